package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.policy.content.ContentViolation.ForbiddenAttachment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a message's MIME tree (RFC 2045, RFC 2046) for attachment names: every part of every
 * multipart, into attached messages (message/rfc822, and message/global of RFC 6532), and into
 * ZIP archives named {@code .zip}. A part's names are its Content-Disposition {@code filename}
 * (RFC 2183) and its Content-Type {@code name}, every form of each is looked at.
 *
 * <p>Lenient where clients are: a delimiter is any line starting with {@code --boundary}, a
 * multipart without a boundary parameter takes its first {@code --} line as one, a multipart or
 * message body sent base64 or quoted-printable (which RFC 2045 forbids) is decoded first.
 *
 * <p>Bounded: a multipart body is read once per level it is nested in, and decoding copies a body.
 * The octets read and decoded may add up to {@value #WORK_FACTOR} times the message plus
 * {@value #WORK_ALLOWANCE} octets; a structure that needs more, such as hundreds of nested
 * quoted-printable multiparts, is refused as not scannable, so one message costs little time and
 * memory however it is built. One scanner serves one message.
 *
 * <p>Every entity's header section, the message's and each part's, is held to the message's
 * header size limit ({@code postillion.smtp.max-header-size}, but never less than
 * {@value #MIN_HEADER_LIMIT} octets, so a small limit leaves ordinary parts scannable) and
 * {@value MimeEntity#MAX_FIELDS} fields, and the octets parsed count as work; an entity over
 * either is refused as not scannable. This holds with the header size rule turned off too.
 */
final class AttachmentScanner {

    /** Postfix's mime_nesting_limit: deeper nesting is no mail, only a way to hide from scanners. */
    static final int MAX_MIME_DEPTH = 100;
    static final int WORK_FACTOR = 8;
    static final int WORK_ALLOWANCE = 1 << 20;
    static final int MIN_HEADER_LIMIT = 64 * 1024;

    private final FileNames names;
    private final ZipScanner zips;
    private final long maxHeader;
    private long work;

    /** @param maxHeaderSize {@code postillion.smtp.max-header-size}: see above */
    AttachmentScanner(FileNames names, ZipScanner zips, long maxHeaderSize) {
        this.names = names;
        this.zips = zips;
        this.maxHeader = Math.max(maxHeaderSize, MIN_HEADER_LIMIT);
    }

    Optional<ContentViolation> scan(Slice message) {
        work = (long) WORK_FACTOR * message.length() + WORK_ALLOWANCE;
        try {
            return entity(message, "text/plain", 0);
        } catch (TooMuchWork e) {
            return Optional.of(new ForbiddenAttachment("", "MIME structure too large to scan"));
        }
    }

    private Optional<ContentViolation> entity(Slice data, String defaultType, int depth) {
        if (depth > MAX_MIME_DEPTH) {
            return Optional.of(new ForbiddenAttachment("", "MIME parts nested deeper than " + MAX_MIME_DEPTH
                    + " levels, not scanned"));
        }
        Optional<MimeEntity> parsed = MimeEntity.parse(data, maxHeader);
        if (parsed.isEmpty()) {
            return Optional.of(new ForbiddenAttachment("", "MIME header section over " + maxHeader + " octets or "
                    + MimeEntity.MAX_FIELDS + " fields, not scanned"));
        }
        MimeEntity entity = parsed.get();
        charge(entity.headerLength());
        List<String> fileNames = fileNames(entity);
        for (String name : fileNames) {
            if (names.forbidden(name)) {
                return Optional.of(new ForbiddenAttachment(name, "forbidden attachment name"));
            }
        }
        String type = entity.mediaType(defaultType);
        if (type.startsWith("multipart/")) {
            return multipart(entity, type.equals("multipart/digest") ? "message/rfc822" : "text/plain", depth);
        }
        if (type.equals("message/rfc822") || type.equals("message/global")) {
            return entity(decoded(entity), "text/plain", depth + 1);
        }
        for (String name : fileNames) {
            if (FileNames.isZip(name)) {
                return zips.scan(decoded(entity), name);
            }
        }
        return Optional.empty();
    }

    /** The entity's body decoded; a decoded copy counts as work. */
    private Slice decoded(MimeEntity entity) {
        Slice decoded = entity.decodedBody();
        if (decoded.bytes() != entity.body().bytes()) {
            charge(decoded.length());
        }
        return decoded;
    }

    private void charge(long octets) {
        work -= octets;
        if (work < 0) {
            throw new TooMuchWork();
        }
    }

    /** The walk's budget is spent; thrown from deep in the recursion to its start. */
    private static final class TooMuchWork extends RuntimeException {
        TooMuchWork() {
            super(null, null, false, false);
        }
    }

    /** Every name the part is given, in Content-Disposition (every one of them) and Content-Type. */
    private static List<String> fileNames(MimeEntity entity) {
        List<String> fileNames = new ArrayList<>();
        for (String disposition : entity.fields("Content-Disposition")) {
            fileNames.addAll(MimeParameters.parse(disposition).values("filename"));
        }
        for (String type : entity.fields("Content-Type")) {
            fileNames.addAll(MimeParameters.parse(type).values("name"));
        }
        return fileNames;
    }

    private Optional<ContentViolation> multipart(MimeEntity entity, String partType, int depth) {
        Slice body = decoded(entity);
        charge(body.length());
        Optional<String> boundary = entity.typeParameters().first("boundary").filter(b -> !b.isEmpty())
                .or(() -> guessedBoundary(body));
        if (boundary.isEmpty()) {
            return Optional.empty();
        }
        for (Slice part : parts(body, ("--" + boundary.get()).getBytes(StandardCharsets.UTF_8))) {
            Optional<ContentViolation> found = entity(part, partType, depth + 1);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * The body parts between delimiter lines (RFC 2046 section 5.1.1); the CRLF before a delimiter
     * belongs to it. The preamble and, after the close delimiter, the epilogue are no parts; a
     * multipart never closed ends with its body.
     */
    static List<Slice> parts(Slice body, byte[] delimiter) {
        List<Slice> parts = new ArrayList<>();
        int partStart = -1;
        int line = body.from();
        while (line < body.to()) {
            int next = body.nextLine(line);
            if (startsWith(body, line, delimiter)) {
                if (partStart >= 0) {
                    parts.add(body.range(partStart, Math.max(partStart, lineBreakBefore(body, line))));
                }
                if (startsWith(body, line + delimiter.length, new byte[] {'-', '-'})) {
                    return parts;
                }
                partStart = next;
            }
            line = next;
        }
        if (partStart >= 0) {
            parts.add(body.range(partStart, body.to()));
        }
        return parts;
    }

    /** A multipart whose Content-Type lacks the boundary: the first line that looks like a delimiter. */
    private static Optional<String> guessedBoundary(Slice body) {
        int line = body.from();
        while (line < body.to()) {
            int next = body.nextLine(line);
            int end = body.lineContentEnd(line, next);
            if (end - line > 2 && body.bytes()[line] == '-' && body.bytes()[line + 1] == '-') {
                return Optional.of(new String(body.bytes(), line + 2, end - line - 2, StandardCharsets.UTF_8).strip());
            }
            line = next;
        }
        return Optional.empty();
    }

    private static int lineBreakBefore(Slice body, int line) {
        int end = line;
        if (end > body.from() && body.bytes()[end - 1] == '\n') {
            end--;
        }
        if (end > body.from() && body.bytes()[end - 1] == '\r') {
            end--;
        }
        return end;
    }

    private static boolean startsWith(Slice body, int at, byte[] prefix) {
        if (at + prefix.length > body.to()) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body.bytes()[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
