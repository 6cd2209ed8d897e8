package dev.postillion.core.dns;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@code postillion.dns.dnssec}: the trust anchors DNSSEC validation starts from; documented in
 * mail-core's reference.conf. No anchor, no validation: then no answer is ever secure, and
 * DANE (RFC 7672) never applies.
 *
 * @param trustAnchors DS or DNSKEY records in presentation format, one per entry, such as the
 *     IANA root zone's KSK-2017 {@code ". IN DS 20326 8 2 E06D...8EC8D"}
 */
public record DnssecSettings(List<String> trustAnchors) {

    private static final String TRUST_ANCHORS = "postillion.dns.dnssec.trust-anchors";
    /** A TTL for anchors written without one, as IANA publishes the root's: a zone file needs one. */
    private static final String DEFAULT_TTL = "$TTL 86400\n";

    public DnssecSettings {
        trustAnchors = List.copyOf(trustAnchors);
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @throws ConfigException naming the key when an entry is not a DS or DNSKEY record
     */
    public static DnssecSettings from(Config config) {
        List<String> anchors = config.getStringList(TRUST_ANCHORS);
        for (String anchor : anchors) {
            if (!isAnchor(anchor)) {
                throw new ConfigException.BadValue(config.getValue(TRUST_ANCHORS).origin(), TRUST_ANCHORS,
                        "not a DS or DNSKEY record in presentation format: " + anchor);
            }
        }
        return new DnssecSettings(anchors);
    }

    public boolean enabled() {
        return !trustAnchors.isEmpty();
    }

    /** The anchors as a zone file, as dnsjava's validating resolver loads them. */
    String zoneFile() {
        return zoneFile(trustAnchors);
    }

    /** The zone of the first anchor, whose DNSKEY records any validation starts from. */
    String firstAnchorZone() {
        try (Master master = new Master(new ByteArrayInputStream(zoneFile(trustAnchors.subList(0, 1))
                .getBytes(StandardCharsets.US_ASCII)))) {
            return master.nextRecord().getName().toString();
        } catch (IOException e) {
            throw new IllegalStateException("trust anchors were checked when the settings were read", e);
        }
    }

    private static String zoneFile(List<String> anchors) {
        return DEFAULT_TTL + String.join("\n", anchors) + "\n";
    }

    private static boolean isAnchor(String line) {
        try (Master master = new Master(new ByteArrayInputStream(zoneFile(List.of(line)).getBytes(StandardCharsets.US_ASCII)))) {
            Record record = master.nextRecord();
            return record != null && (record.getType() == Type.DS || record.getType() == Type.DNSKEY)
                    && master.nextRecord() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
