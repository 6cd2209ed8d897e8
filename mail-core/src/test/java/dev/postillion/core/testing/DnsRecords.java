package dev.postillion.core.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Records for name services that tests serve from memory, as a {@code DnsAnswer} carries them.
 * Their owner is the root: an answer's readers look at the data only, and a test's names need not
 * be ones DNS can write.
 */
public final class DnsRecords {

    private static final long TTL = 300;
    /** A TXT record's character-strings hold at most 255 octets each (RFC 1035 section 3.3). */
    private static final int MAX_STRING = 255;

    private DnsRecords() {}

    /** A TXT record of {@code text}, one octet per char (ISO-8859-1), as {@code DnsAnswer.texts()} reads it back. */
    public static Record txt(String text) {
        return txt(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A TXT record of the octets, cut into character-strings of 255 octets. */
    public static Record txt(byte[] octets) {
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        int at = 0;
        do {
            int length = Math.min(MAX_STRING, octets.length - at);
            rdata.write(length);
            rdata.writeBytes(Arrays.copyOfRange(octets, at, at + length));
            at += length;
        } while (at < octets.length);
        return Record.newRecord(Name.root, Type.TXT, DClass.IN, TTL, rdata.toByteArray());
    }

    /** An A or AAAA record, whichever family the address is of. */
    public static Record address(InetAddress address) {
        return address.getAddress().length == 4
                ? new ARecord(Name.root, DClass.IN, TTL, address)
                : new AAAARecord(Name.root, DClass.IN, TTL, address);
    }

    /** An MX record pointing to {@code host}; the empty string or "." for a null MX (RFC 7505). */
    public static Record mx(String host) {
        return new MXRecord(Name.root, DClass.IN, TTL, 10, name(host));
    }

    public static Record ptr(String host) {
        return new PTRRecord(Name.root, DClass.IN, TTL, name(host));
    }

    private static Name name(String host) {
        if (host.isEmpty() || host.equals(".")) {
            return Name.root;
        }
        try {
            return Name.fromString(host, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a host name: " + host, e);
        }
    }
}
