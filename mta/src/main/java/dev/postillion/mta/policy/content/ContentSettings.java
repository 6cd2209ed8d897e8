package dev.postillion.mta.policy.content;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * {@code postillion.content} settings, and the header size limit {@code postillion.smtp.max-header-size};
 * documented in mta's reference.conf.
 *
 * @param attachments refuse forbidden attachment names (SPEC section 4)
 * @param forbiddenExtensions lower case, without the dot
 * @param zipDepth levels of archives looked into: 1 is a {@code .zip} attachment, 2 a zip inside it
 * @param zipScanLimit octets of archives inside archives read per message, inflated or stored
 * @param nonAsciiHeaders refuse 8-bit header fields from clients that did not use SMTPUTF8
 * @param headerSize refuse a header section larger than {@code maxHeaderSize} octets
 */
public record ContentSettings(
        boolean attachments,
        List<String> forbiddenExtensions,
        int zipDepth,
        long zipScanLimit,
        boolean nonAsciiHeaders,
        boolean headerSize,
        long maxHeaderSize) {

    /** Above this the inflated bytes of one archive would not fit an array. */
    private static final long MAX_ZIP_SCAN_LIMIT = 1L << 30;

    public ContentSettings {
        forbiddenExtensions = List.copyOf(forbiddenExtensions);
    }

    /**
     * @param postillion the {@code postillion} block
     * @throws ConfigException.BadValue naming the setting and what is wrong with it
     */
    public static ContentSettings from(Config postillion) {
        Config content = postillion.getConfig("content");
        Config attachments = content.getConfig("attachments");
        return new ContentSettings(
                attachments.getBoolean("enabled"),
                extensions(attachments),
                within(attachments, "zip-depth", attachments.getInt("zip-depth"), 1, 16),
                within(attachments, "zip-scan-limit", attachments.getBytes("zip-scan-limit"), 0, MAX_ZIP_SCAN_LIMIT),
                content.getBoolean("non-ascii-headers.enabled"),
                content.getBoolean("header-size.enabled"),
                within(postillion.getConfig("smtp"), "max-header-size",
                        postillion.getBytes("smtp.max-header-size"), 1, Long.MAX_VALUE));
    }

    /** {@code ".EXE"} and {@code "exe"} are the same entry. */
    private static List<String> extensions(Config attachments) {
        List<String> extensions = attachments.getStringList("forbidden-extensions").stream()
                .map(extension -> extension.strip().toLowerCase(Locale.ROOT))
                .map(extension -> extension.startsWith(".") ? extension.substring(1) : extension)
                .toList();
        if (extensions.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException.BadValue(attachments.origin(), "forbidden-extensions",
                    "an empty extension would forbid every file name");
        }
        return extensions;
    }

    private static <T extends Number> T within(Config config, String key, T value, long min, long max) {
        if (value.longValue() < min || value.longValue() > max) {
            throw new ConfigException.BadValue(config.getValue(key).origin(), key,
                    "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }
}
