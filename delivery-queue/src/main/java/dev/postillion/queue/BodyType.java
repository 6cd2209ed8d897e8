package dev.postillion.queue;

import dev.postillion.core.Envelope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a message's content is 7-bit or 8-bit (RFC 6152 section 2: 8BITMIME content may have
 * octets above 127 in its lines). What a client declared with {@code BODY=} is a claim about its
 * content; what the next hop needs to know is what the content really is.
 */
public final class BodyType {

    private BodyType() {}

    /** Any octet above 127. */
    public static boolean eightBit(byte[] content) {
        for (byte octet : content) {
            if (octet < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The envelope with the {@code BODY} parameter the content needs, so that the spool records it
     * once (as Postfix's cleanup(8) does), given the content in one or more parts: {@code 8BITMIME} when the content has 8-bit octets,
     * else none, for a 7-bit message declared 8BITMIME can go to a server that does not offer the
     * extension (RFC 6152 section 3 asks for it only for 8-bit data).
     */
    static Envelope recorded(Envelope envelope, byte[]... content) {
        Map<String, String> parameters = new HashMap<>(envelope.mailParameters());
        if (Arrays.stream(content).anyMatch(BodyType::eightBit)) {
            parameters.put("BODY", "8BITMIME");
        } else {
            parameters.remove("BODY");
        }
        return parameters.equals(envelope.mailParameters()) ? envelope : envelope.withMailParameters(parameters);
    }
}
