package dev.postillion.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * What the body test (RFC 5173 s5) compares: the raw body, or the leaf MIME parts whose content
 * type the :content list names, each decoded from its transfer encoding and, for text, its charset.
 */
final class BodyParts {

    /** One leaf part: its type/subtype, lower case, and its decoded content. */
    record Part(String mimeType, String content) {}

    private BodyParts() {}

    /** RFC 5173 s5.1: the body after the header, not decoded, as one item. */
    static String raw(byte[] message) {
        int start = bodyStart(message);
        return new String(message, start, message.length - start, StandardCharsets.UTF_8);
    }

    private static int bodyStart(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && i + 1 < message.length) {
                if (message[i + 1] == '\n') {
                    return i + 2;
                }
                if (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return message.length;
    }

    /**
     * The decoded leaf parts whose type one of {@code types} names (RFC 5173 s5.2): "" names every
     * part, "type" every subtype of it, "type/subtype" exactly that; a name starting or ending with
     * "/" names none. Multipart containers are not compared; message/rfc822 parts are opened.
     */
    static List<Part> content(byte[] message, List<String> types) throws SieveRuntimeError {
        List<Part> parts = new ArrayList<>();
        for (Part part : leaves(message)) {
            if (types.stream().anyMatch(type -> names(type, part.mimeType()))) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static boolean names(String type, String mimeType) {
        String wanted = type.toLowerCase(Locale.ROOT);
        if (wanted.isEmpty()) {
            return true;
        }
        if (wanted.startsWith("/") || wanted.endsWith("/")) {
            return false;
        }
        return wanted.contains("/") ? wanted.equals(mimeType) : mimeType.startsWith(wanted + "/");
    }

    private static List<Part> leaves(byte[] message) throws SieveRuntimeError {
        List<Part> parts = new ArrayList<>();
        // the message is already in memory; mime4j's line and header limits would only refuse it
        MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1).build();
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(true);
        parser.setRecurse();
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void body(BodyDescriptor descriptor, InputStream content) throws IOException {
                String type = descriptor.getMimeType().toLowerCase(Locale.ROOT);
                parts.add(new Part(type, new String(content.readAllBytes(), charset(descriptor.getCharset()))));
            }
        });
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (MimeException | IOException e) {
            throw new SieveRuntimeError("the message's MIME structure cannot be read for the body test: " + e.getMessage());
        }
        return parts;
    }

    /** A part's charset; US-ASCII and unknown ones read as UTF-8, which holds ASCII. */
    private static Charset charset(String name) {
        if (name == null || name.equalsIgnoreCase("us-ascii")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
