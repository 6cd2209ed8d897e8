package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.policy.content.ContentViolation.ForbiddenAttachment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Looks for forbidden names inside ZIP archives (PKWARE's APPNOTE.TXT 6.3) without extracting
 * anything. Each entry's names come from the central directory, which Windows Explorer and 7-Zip
 * list, from its local header, which streaming extractors read, and from an Info-ZIP Unicode Path
 * extra field; all are checked, so an archive whose headers disagree hides nothing. Nothing is
 * inflated but an archive inside an archive, to read its own directory.
 *
 * <p>What cannot be looked into is refused, as a virus scanner refuses it:
 * <ul>
 *   <li>a corrupt archive (no end of central directory record, a header out of place, deflated
 *       data that ends early); prepended data, as in self-extractors, is allowed for;</li>
 *   <li>an archive whose central directory points two entries at the same local header, or at
 *       overlapping data: no archiver writes one, and a bomb would inflate the same data again
 *       for each;</li>
 *   <li>an archive nested deeper than {@code zip-depth} levels (the attached {@code .zip} is level 1);</li>
 *   <li>an encrypted archive inside an archive, or one compressed other than stored or deflated;
 *       encrypted entries are otherwise fine, as their names are not encrypted;</li>
 *   <li>archives inside archives beyond {@code zip-scan-limit} octets per message, each counted
 *       as the larger of its compressed and its inflated size, at least {@value #MIN_CHARGE}
 *       octets; the compressed size is charged before inflating, so a zip bomb (42.zip, deflated
 *       data that inflates to nothing) costs at most that much memory, inflating and reading.</li>
 * </ul>
 *
 * <p>Not {@link java.util.zip.ZipInputStream}: it reads local headers only, must inflate every
 * entry to reach the next one, and throws at the first encrypted entry, before its name. The
 * central directory is at the archive's end, so the decoded attachment is held in memory; it is
 * no larger than the message.
 */
final class ZipScanner {

    static final int MIN_CHARGE = 4096;
    private static final int END_OF_DIRECTORY = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END_OF_DIRECTORY = 0x06064b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int MAX_COMMENT = 0xffff;
    private static final long OVERFLOWED = 0xffffffffL;
    private static final int UTF8_NAMES = 1 << 11;
    private static final int ENCRYPTED = 1 | 1 << 6;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    /** Where an archive's central directory starts, and how far its offsets are off (prepended data). */
    private record Directory(int start, int declaredEnd, long shift) {}

    /** One entry: every name it goes by, where its local header and its data are, and the next entry. */
    private record Entry(List<String> names, int flags, int method, long compressedSize, int localStart,
            int dataStart, int next) {

        /** From the local header to the data's end, the start in the high half: sorts by start. */
        long span() {
            return (long) localStart << 32 | (dataStart + compressedSize);
        }
    }

    /** The archive cannot be looked into; the message says why. */
    private static final class Unscannable extends Exception {
        Unscannable(String message) {
            super(message, null, false, false);
        }
    }

    private final FileNames names;
    private final int maxDepth;
    private final long limit;
    private long remaining;

    /** One scanner serves one message: the scan limit is spent across all its archives. */
    ZipScanner(FileNames names, int maxDepth, long scanLimit) {
        this.names = names;
        this.maxDepth = maxDepth;
        this.limit = scanLimit;
        this.remaining = scanLimit;
    }

    /** The attached archive {@code name}, decoded. */
    Optional<ContentViolation> scan(Slice archive, String name) {
        return archive(archive, name, 1);
    }

    /**
     * Two passes over the central directory: the first checks every name and where every entry
     * lies, the second looks into the archives inside, once no two entries are known to share data.
     */
    private Optional<ContentViolation> archive(Slice zip, String path, int depth) {
        try {
            Directory directory = directory(zip);
            long[] spans = new long[16];
            int count = 0;
            int[] archives = new int[4];
            int archiveCount = 0;
            int at = directory.start();
            while (at + 4 <= zip.to() && u32(zip, at) == CENTRAL_HEADER) {
                Entry entry = entry(zip, at, directory.shift());
                for (String name : entry.names()) {
                    if (names.forbidden(name)) {
                        return refused(path + " > " + name, "forbidden name in archive");
                    }
                }
                if (count == spans.length) {
                    spans = Arrays.copyOf(spans, 2 * count);
                }
                spans[count++] = entry.span();
                if (entry.names().stream().anyMatch(FileNames::isZip)) {
                    if (archiveCount == archives.length) {
                        archives = Arrays.copyOf(archives, 2 * archiveCount);
                    }
                    archives[archiveCount++] = at;
                }
                at = entry.next();
            }
            if (at < directory.declaredEnd()) {
                throw new Unscannable("central directory ends early");
            }
            disjoint(spans, count);
            for (int i = 0; i < archiveCount; i++) {
                Entry entry = entry(zip, archives[i], directory.shift());
                String name = entry.names().stream().filter(FileNames::isZip).findFirst().orElseThrow();
                Optional<ContentViolation> found = nested(zip, entry, path + " > " + name, depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        } catch (Unscannable e) {
            return Optional.of(new ForbiddenAttachment(path, "unreadable archive: " + e.getMessage()));
        }
    }

    /** The entries' spans, as {@link Entry#span()} packs them, neither shared nor overlapping. */
    private static void disjoint(long[] spans, int count) throws Unscannable {
        Arrays.sort(spans, 0, count);
        for (int i = 1; i < count; i++) {
            long start = spans[i] >>> 32;
            if (start == spans[i - 1] >>> 32) {
                throw new Unscannable("two entries share a local header");
            }
            if (start < (spans[i - 1] & 0xffffffffL)) {
                throw new Unscannable("entries overlap");
            }
        }
    }

    /** An archive inside an archive, read like the attachment after its data is taken out. */
    private Optional<ContentViolation> nested(Slice zip, Entry entry, String path, int depth) throws Unscannable {
        if (depth > maxDepth) {
            return refused(path, "archive nested deeper than " + maxDepth + " levels, not scanned");
        }
        if ((entry.flags() & ENCRYPTED) != 0) {
            return refused(path, "encrypted archive inside an archive, not scanned");
        }
        if (entry.method() != STORED && entry.method() != DEFLATED) {
            return refused(path, "archive compressed with method " + entry.method() + ", not scanned");
        }
        Slice data = range(zip, entry.dataStart(), entry.compressedSize());
        if (Math.max(data.length(), MIN_CHARGE) > remaining) {
            return overLimit(path);
        }
        Slice inner;
        if (entry.method() == STORED) {
            charge(data.length());
            inner = data;
        } else {
            Optional<Slice> inflated = inflate(data);
            if (inflated.isEmpty()) {
                return overLimit(path);
            }
            inner = inflated.get();
        }
        return archive(inner, path, depth);
    }

    private Optional<ContentViolation> overLimit(String path) {
        return refused(path, "archives inside archives exceed the scan limit of " + limit + " octets");
    }

    private static Optional<ContentViolation> refused(String path, String finding) {
        return Optional.of(new ForbiddenAttachment(path, finding));
    }

    /** Spends {@code octets} (at least {@value #MIN_CHARGE}) of the limit; false when it does not hold them. */
    private boolean charge(long octets) {
        remaining -= Math.max(octets, MIN_CHARGE);
        return remaining >= 0;
    }

    /**
     * Raw deflate (RFC 1951) into memory, never more than the limit left; empty when more would come.
     * Charges the larger of the input the inflater consumed, {@code data}'s length and the output.
     */
    private Optional<Slice> inflate(Slice data) throws Unscannable {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data.bytes(), data.from(), data.length());
            byte[] out = new byte[(int) Math.min(remaining + 1, 64 * 1024)];
            int length = 0;
            while (!inflater.finished()) {
                if (length == out.length) {
                    if (length > remaining) {
                        return Optional.empty();
                    }
                    out = Arrays.copyOf(out, (int) Math.min(remaining + 1, 2L * out.length));
                }
                int inflated = inflater.inflate(out, length, out.length - length);
                if (inflated == 0 && !inflater.finished()) {
                    throw new Unscannable("deflated data ends early");
                }
                length += inflated;
            }
            long consumed = Math.max(inflater.getBytesRead(), data.length());
            return charge(Math.max(consumed, length)) ? Optional.of(new Slice(out, 0, length)) : Optional.empty();
        } catch (DataFormatException e) {
            throw new Unscannable("bad deflated data");
        } finally {
            inflater.end();
        }
    }

    /**
     * Finds the central directory through the end of central directory record (APPNOTE 4.3.16) and,
     * when present, its ZIP64 form (4.3.14, 4.3.15). Offsets count from the archive's start; when
     * data was prepended they are off by its length, which is found from where the directory
     * really ends, as unzip does.
     */
    private static Directory directory(Slice zip) throws Unscannable {
        int end = endOfDirectory(zip);
        long size = u32(zip, end + 12);
        long offset = u32(zip, end + 16);
        int recordsStart = end;
        int locator = end - 20;
        if (locator >= zip.from() && u32(zip, locator) == ZIP64_LOCATOR) {
            recordsStart = zip64EndOfDirectory(zip, locator);
            size = u64(zip, recordsStart + 40);
            offset = u64(zip, recordsStart + 48);
        }
        if (size > recordsStart - zip.from()) {
            throw new Unscannable("central directory larger than the archive");
        }
        long declared = offset <= zip.length() ? zip.from() + offset : -1;
        if (declared >= 0 && declared + size <= recordsStart && startsDirectory(zip, declared, size)) {
            return new Directory((int) declared, (int) (declared + size), 0);
        }
        long actual = recordsStart - size;
        if (!startsDirectory(zip, actual, size)) {
            throw new Unscannable("no central directory");
        }
        return new Directory((int) actual, recordsStart, actual - (zip.from() + offset));
    }

    private static boolean startsDirectory(Slice zip, long at, long size) throws Unscannable {
        return size == 0 || at + 4 <= zip.to() && u32(zip, (int) at) == CENTRAL_HEADER;
    }

    /** The last end of central directory record whose comment fits the archive (APPNOTE 4.3.16). */
    private static int endOfDirectory(Slice zip) throws Unscannable {
        int lowest = Math.max(zip.from(), zip.to() - 22 - MAX_COMMENT);
        for (int at = zip.to() - 22; at >= lowest; at--) {
            if (zip.bytes()[at] == 0x50 && u32(zip, at) == END_OF_DIRECTORY
                    && at + 22 + u16(zip, at + 20) <= zip.to()) {
                return at;
            }
        }
        throw new Unscannable("no end of central directory record");
    }

    /** Where the locator says, or, with prepended data, right before the locator (its fixed-size form). */
    private static int zip64EndOfDirectory(Slice zip, int locator) throws Unscannable {
        long offset = u64(zip, locator + 8);
        if (offset <= locator - 56 - zip.from() && u32(zip, (int) (zip.from() + offset)) == ZIP64_END_OF_DIRECTORY) {
            return (int) (zip.from() + offset);
        }
        if (locator - 56 >= zip.from() && u32(zip, locator - 56) == ZIP64_END_OF_DIRECTORY) {
            return locator - 56;
        }
        throw new Unscannable("no zip64 end of central directory record");
    }

    /** A central directory header (APPNOTE 4.3.12) and the local header it points to (4.3.7). */
    private static Entry entry(Slice zip, int at, long shift) throws Unscannable {
        int flags = u16(zip, at + 8);
        int method = u16(zip, at + 10);
        long compressed = u32(zip, at + 20);
        long uncompressed = u32(zip, at + 24);
        int nameLength = u16(zip, at + 28);
        int extraLength = u16(zip, at + 30);
        int commentLength = u16(zip, at + 32);
        long localOffset = u32(zip, at + 42);
        int extraStart = at + 46 + nameLength;
        int next = extraStart + extraLength + commentLength;
        range(zip, at, next - at);
        List<String> entryNames = new ArrayList<>();
        entryNames.add(name(zip, at + 46, nameLength, flags));
        int extra = extraStart;
        while (extra + 4 <= extraStart + extraLength) {
            int id = u16(zip, extra);
            int data = extra + 4;
            int size = Math.min(u16(zip, extra + 2), extraStart + extraLength - data);
            if (id == 0x0001) {
                // ZIP64 extended information (APPNOTE 4.5.3): only the fields that overflowed, in order.
                int field = data + (uncompressed == OVERFLOWED ? 8 : 0);
                if (compressed == OVERFLOWED && field + 8 <= data + size) {
                    compressed = u64(zip, field);
                    field += 8;
                }
                if (localOffset == OVERFLOWED && field + 8 <= data + size) {
                    localOffset = u64(zip, field);
                }
            } else if (id == 0x7075 && size > 5) {
                // Info-ZIP Unicode Path: version, CRC-32 of the header's name, the name in UTF-8.
                entryNames.add(new String(zip.bytes(), data + 5, size - 5, StandardCharsets.UTF_8));
            }
            extra = data + size;
        }
        long local = zip.from() + localOffset + shift;
        if (local < zip.from() || local + 30 > zip.to() || u32(zip, (int) local) != LOCAL_HEADER) {
            throw new Unscannable("local header missing");
        }
        int localName = u16(zip, (int) local + 26);
        int localExtra = u16(zip, (int) local + 28);
        range(zip, local, 30L + localName + localExtra);
        entryNames.add(name(zip, (int) local + 30, localName, u16(zip, (int) local + 6)));
        int dataStart = (int) local + 30 + localName + localExtra;
        range(zip, dataStart, compressed);
        return new Entry(entryNames, flags, method, compressed, (int) local, dataStart, next);
    }

    /**
     * UTF-8 with flag bit 11, else the DOS code page, read as ISO-8859-1: an extension is ASCII,
     * and no code page makes ASCII of octets above 127, so the ending reads the same.
     */
    private static String name(Slice zip, int at, int length, int flags) {
        return new String(zip.bytes(), at, length,
                (flags & UTF8_NAMES) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** {@code length} octets from {@code at}, which must lie within the archive. */
    private static Slice range(Slice zip, long at, long length) throws Unscannable {
        if (at < zip.from() || length < 0 || at + length > zip.to()) {
            throw new Unscannable("entry beyond the end of the archive");
        }
        return zip.range((int) at, (int) (at + length));
    }

    private static int u16(Slice zip, int at) throws Unscannable {
        range(zip, at, 2);
        byte[] b = zip.bytes();
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(Slice zip, int at) throws Unscannable {
        return u16(zip, at) | (long) u16(zip, at + 2) << 16;
    }

    /** An eight-octet field; one that does not fit a long cannot point into a message. */
    private static long u64(Slice zip, int at) throws Unscannable {
        long value = u32(zip, at) | u32(zip, at + 4) << 32;
        if (value < 0) {
            throw new Unscannable("zip64 field out of range");
        }
        return value;
    }
}
