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
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * What the body test (RFC 5173 s5) compares: the raw body, or the MIME parts whose content type the
 * :content list names (leaf parts decoded from their transfer encoding and, for text, their
 * charset; multipart entities' prologues and epilogues; nested messages' headers).
 */
final class BodyParts {

    /** One item compared: its part's type/subtype, lower case, and its decoded content. */
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
     * The message's parts, decoded: every leaf part; each multipart entity as its prologue and its
     * epilogue, and each message/rfc822 part as the header of the message it holds (RFC 5173
     * s5.2), the message's own parts following.
     */
    static List<Part> parse(byte[] message) throws SieveRuntimeError {
        // the message is already in memory; mime4j's line and header limits would only refuse it
        MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1).build();
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(true);
        parser.setRecurse();
        PartCollector parts = new PartCollector();
        parser.setContentHandler(parts);
        try {
            parser.parse(new ByteArrayInputStream(message));
        } catch (MimeException | IOException e) {
            throw new SieveRuntimeError("the message's MIME structure cannot be read for the body test: " + e.getMessage());
        }
        return parts.parts;
    }

    /** Collects the parts from mime4j's events, in the message's order. */
    private static final class PartCollector extends AbstractContentHandler {

        private final List<Part> parts = new ArrayList<>();
        private final Deque<Multipart> multiparts = new ArrayDeque<>();
        private int messages;
        private StringBuilder nestedHeader;

        @Override
        public void body(BodyDescriptor descriptor, InputStream content) throws IOException {
            String type = descriptor.getMimeType().toLowerCase(Locale.ROOT);
            parts.add(new Part(type, new String(content.readAllBytes(), charset(descriptor.getCharset()))));
        }

        @Override
        public void startMessage() {
            if (++messages > 1) {
                nestedHeader = new StringBuilder();
            }
        }

        @Override
        public void endMessage() {
            messages--;
        }

        @Override
        public void field(Field field) {
            if (nestedHeader != null) {
                nestedHeader.append(field.getName()).append(": ").append(field.getBody()).append("\r\n");
            }
        }

        @Override
        public void endHeader() {
            if (nestedHeader != null) {
                parts.add(new Part("message/rfc822", nestedHeader.toString()));
                nestedHeader = null;
            }
        }

        @Override
        public void startMultipart(BodyDescriptor descriptor) {
            multiparts.push(new Multipart(descriptor.getMimeType().toLowerCase(Locale.ROOT)));
        }

        @Override
        public void preamble(InputStream content) throws IOException {
            multiparts.peek().prologue = new String(content.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void epilogue(InputStream content) throws IOException {
            multiparts.peek().epilogue = new String(content.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void endMultipart() {
            Multipart multipart = multiparts.pop();
            // an entity without an epilogue has none to compare, as in Pigeonhole; its prologue,
            // empty or not, is always compared
            parts.add(new Part(multipart.type, multipart.prologue));
            if (!multipart.epilogue.isEmpty()) {
                parts.add(new Part(multipart.type, multipart.epilogue));
            }
        }
    }

    /** A multipart entity being read: its type, and its prologue and epilogue once they are. */
    private static final class Multipart {

        private final String type;
        private String prologue = "";
        private String epilogue = "";

        Multipart(String type) {
            this.type = type;
        }
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
