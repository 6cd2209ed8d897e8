package dev.postillion.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
     * Those of {@code parts} whose type one of {@code types} names (RFC 5173 s5.2): "" names every
     * part, "type" every subtype of it, "type/subtype" exactly that; a name starting or ending with
     * "/" names none.
     */
    static List<Part> ofTypes(List<Part> parts, List<String> types) {
        List<Part> named = new ArrayList<>();
        for (Part part : parts) {
            if (types.stream().anyMatch(type -> names(type, part.mimeType()))) {
                named.add(part);
            }
        }
        return named;
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

    /**
     * The message's parts, decoded: every leaf part, and each multipart entity standing for its
     * prologue and epilogue (RFC 5173 s5.2); message/rfc822 parts are opened.
     */
    static List<Part> parse(byte[] message) throws SieveRuntimeError {
        List<Part> parts = new ArrayList<>();
        // the message is already in memory; mime4j's line and header limits would only refuse it
        MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1).build();
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(true);
        parser.setRecurse();
        parser.setContentHandler(new AbstractContentHandler() {
            private final Deque<Part> multiparts = new ArrayDeque<>();

            @Override
            public void body(BodyDescriptor descriptor, InputStream content) throws IOException {
                String type = descriptor.getMimeType().toLowerCase(Locale.ROOT);
                parts.add(new Part(type, new String(content.readAllBytes(), charset(descriptor.getCharset()))));
            }

            // RFC 5173 s5.2: a multipart entity is compared by its prologue and epilogue
            @Override
            public void startMultipart(BodyDescriptor descriptor) {
                multiparts.push(new Part(descriptor.getMimeType().toLowerCase(Locale.ROOT), ""));
            }

            @Override
            public void preamble(InputStream content) throws IOException {
                multiparts.push(extended(multiparts.pop(), content));
            }

            @Override
            public void epilogue(InputStream content) throws IOException {
                multiparts.push(extended(multiparts.pop(), content));
            }

            @Override
            public void endMultipart() {
                parts.add(multiparts.pop());
            }
        });
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (MimeException | IOException e) {
            throw new SieveRuntimeError("the message's MIME structure cannot be read for the body test: " + e.getMessage());
        }
        return parts;
    }

    private static Part extended(Part multipart, InputStream text) throws IOException {
        return new Part(multipart.mimeType(), multipart.content() + new String(text.readAllBytes(), StandardCharsets.UTF_8));
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
