package dev.postillion.mta.policy.spam;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code postillion.spam}, documented in mta's reference.conf.
 *
 * @param scanner Rspamd's normal worker ({@code /checkv2}); empty: mail is not scanned
 * @param controller Rspamd's controller worker ({@code /learnspam}, {@code /learnham}); empty: the
 *     admin API cannot teach it
 * @param password the controller's password, sent as its {@code Password} header; empty: none
 * @param junkScore the score from which a message is spam, filed in Junk
 * @param rejectScore the score from which a message is refused in mode {@link Mode#REJECT}
 * @param maxSize larger messages are not sent to Rspamd, but accepted unscanned
 */
public record SpamSettings(Optional<URI> scanner, Optional<URI> controller, String password, Duration timeout,
        Mode mode, double junkScore, double rejectScore, OnFailure onFailure, long maxSize) {

    private static final String PATH = "postillion.spam.";

    /** What a verdict of spam does. */
    public enum Mode {
        /** Filed in Junk at recipients with the filter on. */
        JUNK,
        /** As JUNK, and refused ({@code 554 5.7.1}) from {@code reject-score} on. */
        REJECT,
        /** Only the X-Spam fields are added: users' own filters decide. */
        HEADERS
    }

    /** What a message gets when Rspamd cannot judge it (down, slow, an answer we cannot read). */
    public enum OnFailure {
        /** Accepted unscanned: no mail is refused because the filter is away. */
        ACCEPT,
        /** Deferred ({@code 451 4.7.1}): the client retries, as with a failed milter in Postfix. */
        TEMPFAIL
    }

    /** @throws ConfigException.BadValue naming the key, for a URL, duration, score or size that cannot be */
    public static SpamSettings from(Config spam) {
        Duration timeout = spam.getDuration("rspamd.timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigException.BadValue(spam.getValue("rspamd.timeout").origin(), PATH + "rspamd.timeout",
                    "must be positive, not " + timeout);
        }
        long maxSize = spam.getBytes("max-size");
        if (maxSize <= 0) {
            throw new ConfigException.BadValue(spam.getValue("max-size").origin(), PATH + "max-size",
                    "must be positive, not " + maxSize);
        }
        return new SpamSettings(url(spam, "rspamd.url"), url(spam, "rspamd.controller-url"),
                spam.getString("rspamd.password"), timeout, choice(spam, "mode", Mode.class),
                spam.getDouble("junk-score"), spam.getDouble("reject-score"),
                choice(spam, "on-failure", OnFailure.class), maxSize);
    }

    /** Whether mail is scanned at all. */
    public boolean enabled() {
        return scanner.isPresent();
    }

    /** One of an enum's constants, written in lower case in the configuration ({@code junk}). */
    private static <E extends Enum<E>> E choice(Config spam, String key, Class<E> type) {
        String text = spam.getString(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
                return constant;
            }
        }
        throw new ConfigException.BadValue(spam.getValue(key).origin(), PATH + key,
                "must be one of " + Arrays.stream(type.getEnumConstants())
                        .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList() + ", not '" + text + "'");
    }

    private static Optional<URI> url(Config spam, String key) {
        String text = spam.getString(key).trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.endsWith("/") ? text : text + "/");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http or https URL with a host");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new ConfigException.BadValue(spam.getValue(key).origin(), PATH + key,
                    "must be an http URL such as http://127.0.0.1:11333, not '" + text + "'");
        }
    }
}
