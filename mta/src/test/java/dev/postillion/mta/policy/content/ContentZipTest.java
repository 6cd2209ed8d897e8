package dev.postillion.mta.policy.content;

import static dev.postillion.mta.policy.content.ContentPolicyTest.DEFAULTS;
import static dev.postillion.mta.policy.content.ContentPolicyTest.bytes;
import static dev.postillion.mta.policy.content.ContentPolicyTest.multipart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.policy.content.ContentViolation.ForbiddenAttachment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Names inside ZIP attachments (APPNOTE.TXT), nested archives, and what cannot be looked into. */
class ContentZipTest {

    private static final String IN_ARCHIVE = "forbidden name in archive";
    private static final long KIB = 1024;

    @Test
    void anExecutableInsideAZipIsRefused() {
        byte[] zip = zip(entry("readme.txt", "hi"), entry("run.exe", "MZ"));
        assertEquals(refused("invoice.zip > run.exe", IN_ARCHIVE), scan(zip));
    }

    @Test
    void harmlessNamesInsideAZipPass() {
        byte[] zip = zip(entry("report.exe.pdf", "%PDF"), entry("photos/", ""), entry("photos/a.jpg", "x"));
        assertEquals(Optional.empty(), scan(zip));
    }

    @Test
    void aZipIsFoundByItsNameInAMessageAndDecodedFromBase64() {
        byte[] zip = zip(entry("Run.Exe.", "MZ"));
        String part = "Content-Type: application/zip; name=\"a.ZIP\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(zip) + "\r\n";
        Optional<ContentViolation> refused = new ContentPolicy(DEFAULTS).check(bytes(multipart(part)), false);
        assertEquals(refused("a.ZIP > Run.Exe.", IN_ARCHIVE), refused);
    }

    @Test
    void aQuotedPrintableZipIsDecoded() {
        byte[] zip = zip(entry("x.vbs", "x"));
        StringBuilder qp = new StringBuilder();
        for (byte b : zip) {
            qp.append(String.format("=%02X", b & 0xff));
            if (qp.length() % 72 == 0) {
                qp.append("=\r\n");
            }
        }
        String part = "Content-Disposition: attachment; filename=q.zip\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n";
        assertEquals(refused("q.zip > x.vbs", IN_ARCHIVE),
                new ContentPolicy(DEFAULTS).check(bytes(multipart(part)), false));
    }

    @Test
    void nestedZipsAreLookedIntoDeflatedOrStored() {
        byte[] inner = zip(entry("deep.scr", "x"));
        assertEquals(refused("invoice.zip > inner.zip > deep.scr", IN_ARCHIVE),
                scan(zip(entry("inner.zip", inner))));
        assertEquals(refused("invoice.zip > inner.zip > deep.scr", IN_ARCHIVE),
                scan(zip(stored("inner.zip", inner))));
    }

    @Test
    void zipsNestedToTheDepthLimitAreLookedIntoAndDeeperOnesRefused() {
        byte[] third = zip(entry("ok.txt", "x"));
        byte[] second = zip(entry("3.zip", third));
        assertEquals(Optional.empty(), scan(zip(entry("2.zip", second))));
        assertEquals(refused("invoice.zip > 2.zip > 3.zip > bad.cmd", IN_ARCHIVE),
                scan(zip(entry("2.zip", zip(entry("3.zip", zip(entry("bad.cmd", "x"))))))));
        byte[] fourth = zip(entry("4.zip", zip(entry("ok.txt", "x"))));
        assertEquals(refused("invoice.zip > 2.zip > 3.zip > 4.zip", "archive nested deeper than 3 levels, not scanned"),
                scan(zip(entry("2.zip", zip(entry("3.zip", fourth))))));
    }

    @Test
    void aCorruptZipIsRefused() {
        assertEquals(refused("invoice.zip", "unreadable archive: no end of central directory record"),
                scan(bytes("this is no archive")));
        byte[] zip = zip(entry("a.txt", "x"), entry("b.txt", "y"));
        byte[] cut = Arrays.copyOfRange(zip, 60, zip.length);
        assertTrue(scan(cut).isPresent(), "an archive missing its start");
        byte[] brokenInner = Arrays.copyOf(zip(entry("z.txt", "z".repeat(100))), 40);
        assertEquals(refused("invoice.zip > in.zip", "unreadable archive: no end of central directory record"),
                scan(zip(entry("in.zip", brokenInner))));
    }

    @Test
    void anEmptyZipPasses() {
        assertEquals(Optional.empty(), scan(zip()));
    }

    @Test
    void namesOfEncryptedEntriesAreReadWhichZipInputStreamCannot() {
        byte[] zip = encrypted(zip(entry("secret.txt", "x"), entry("payload.exe", "y")), "secret.txt");
        zip = encrypted(zip, "payload.exe");
        assertEquals(refused("invoice.zip > payload.exe", IN_ARCHIVE), scan(zip));
        assertEquals(Optional.empty(), scan(encrypted(zip(entry("secret.txt", "x"), entry("b.pdf", "y")),
                "secret.txt")));
    }

    @Test
    void anEncryptedZipInsideAZipIsRefused() {
        byte[] zip = encrypted(zip(entry("inner.zip", zip(entry("a.txt", "x")))), "inner.zip");
        assertEquals(refused("invoice.zip > inner.zip", "encrypted archive inside an archive, not scanned"), scan(zip));
    }

    @Test
    void centralAndLocalNamesAreBothChecked() {
        byte[] zip = zip(entry("hide.txt", "x"));
        assertEquals(refused("invoice.zip > hide.exe", IN_ARCHIVE), scan(rename(zip, "hide.txt", "hide.exe", 1)));
        assertEquals(refused("invoice.zip > hide.exe", IN_ARCHIVE), scan(rename(zip, "hide.txt", "hide.exe", 0)));
    }

    @Test
    void theUnicodePathExtraFieldIsChecked() {
        byte[] name = "evil.exe".getBytes(StandardCharsets.UTF_8);
        byte[] extra = new byte[4 + 5 + name.length];
        extra[0] = 0x75;
        extra[1] = 0x70;
        extra[2] = (byte) (5 + name.length);
        extra[4] = 1;
        System.arraycopy(name, 0, extra, 9, name.length);
        ZipEntry entry = new ZipEntry("innocent.txt");
        entry.setExtra(extra);
        assertEquals(refused("invoice.zip > evil.exe", IN_ARCHIVE), scan(zip(new Item(entry, new byte[1]))));
    }

    @Test
    void prependedDataAsInASelfExtractorIsAllowedFor() {
        byte[] zip = zip(entry("a.txt", "x"), entry("b.lnk", "y"));
        byte[] sfx = new byte[5000 + zip.length];
        sfx[0] = 'M';
        sfx[1] = 'Z';
        System.arraycopy(zip, 0, sfx, 5000, zip.length);
        assertEquals(refused("invoice.zip > b.lnk", IN_ARCHIVE), scan(sfx));
    }

    @Test
    void zip64ArchivesAreRead() {
        Item[] entries = new Item[70_000];
        for (int i = 0; i < entries.length - 1; i++) {
            entries[i] = entry("f" + i, "");
        }
        entries[entries.length - 1] = entry("last.bat", "x");
        assertEquals(refused("invoice.zip > last.bat", IN_ARCHIVE), scan(zip(entries)));
    }

    @Test
    void entriesOfTheAttachedZipAreNeverInflated() {
        // 64 MiB of zeros deflate to 64 KiB; reading the names must not inflate them: a scanner
        // with nothing to spend still reads the archive.
        byte[] zip = zipOfZeros("big.txt", 64 << 20, false);
        assertEquals(Optional.empty(), new ZipScanner(names(), 3, 0).scan(Slice.of(zip), "invoice.zip"));
    }

    @Test
    void aZipBombInsideAZipStopsAtTheScanLimit() {
        byte[] bomb = zip(entry("bomb.zip", zipOfZeros("zeros.txt", 40 << 20, true))); // inflates to 40 MiB
        assertEquals(refused("invoice.zip > bomb.zip",
                "archives inside archives exceed the scan limit of 33554432 octets"), scan(bomb));
        assertEquals(Optional.empty(), scan(zip(entry("fine.zip", zipOfZeros("zeros.txt", 1 << 20, true)))));
    }

    @Test
    void everyArchiveInsideCostsAtLeastFourKib() {
        Item[] entries = new Item[20];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry("n" + i + ".zip", zip(entry("a.txt", "x")));
        }
        ZipScanner scanner = new ZipScanner(names(), 3, 16 * ZipScanner.MIN_CHARGE);
        assertEquals(refused("x.zip > n16.zip", "archives inside archives exceed the scan limit of 65536 octets"),
                scanner.scan(Slice.of(zip(entries)), "x.zip"));
    }

    @Test
    void aScanLimitOfZeroRefusesEveryArchiveInside() {
        ZipScanner scanner = new ZipScanner(names(), 3, 0);
        assertEquals(refused("x.zip > in.zip", "archives inside archives exceed the scan limit of 0 octets"),
                scanner.scan(Slice.of(zip(entry("in.zip", zip(entry("a.txt", "x"))))), "x.zip"));
        assertEquals(Optional.empty(), new ZipScanner(names(), 3, 0).scan(Slice.of(zip(entry("a.txt", "x"))), "x.zip"));
    }

    @Test
    void entriesSharingALocalHeaderAreRefusedBeforeAnythingIsInflated() {
        // Zeros deflated to ~26 KiB: 8,192 entries re-inflating them would read 200 MiB, inflate 200 GiB.
        byte[] bomb = zip(entry("zeros.zip", zipOfZeros("zeros.txt", 26 << 20, false)));
        byte[] many = withCentralCopies(bomb, 8191, 0);
        assertEquals(refused("invoice.zip", "unreadable archive: two entries share a local header"), scan(many));
        assertEquals(refused("invoice.zip", "unreadable archive: two entries share a local header"),
                scan(withCentralCopies(zip(entry("a.txt", "x")), 1, 0)));
    }

    @Test
    void entriesWhoseDataOverlapAreRefused() {
        // The stored archive's own local header lies inside the outer entry's data.
        byte[] outer = zip(stored("in.zip", zip(entry("a.txt", "x"))));
        int innerLocal = indexOf(outer, "a.txt", 0) - 30;
        assertEquals(refused("invoice.zip", "unreadable archive: entries overlap"),
                scan(withCentralCopies(outer, 1, innerLocal)));
    }

    @Test
    void theCompressedSizeIsChargedWhenLargerThanTheInflated() {
        // Random octets do not deflate: the archive inside takes more compressed than inflated.
        byte[] noise = new byte[100_000];
        new java.util.Random(42).nextBytes(noise);
        byte[] inner = zip(stored("noise.bin", noise));
        byte[] zip = zip(entry("a.zip", inner));
        long compressed = u32(zip, u32(zip, zip.length - 22 + 16) + 20);
        assertTrue(compressed > inner.length, compressed + " compressed, " + inner.length + " inflated");
        assertEquals(refused("x.zip > a.zip", "archives inside archives exceed the scan limit of " + inner.length
                + " octets"), new ZipScanner(names(), 3, inner.length).scan(Slice.of(zip), "x.zip"));
        assertEquals(Optional.empty(), new ZipScanner(names(), 3, compressed).scan(Slice.of(zip), "x.zip"));
    }

    // --- helpers

    private record Item(ZipEntry entry, byte[] data) {}

    private static Optional<ContentViolation> scan(byte[] zip) {
        return new ZipScanner(names(), DEFAULTS.zipDepth(), DEFAULTS.zipScanLimit()).scan(Slice.of(zip), "invoice.zip");
    }

    private static FileNames names() {
        return new FileNames(DEFAULTS.forbiddenExtensions());
    }

    private static Optional<ContentViolation> refused(String name, String finding) {
        return Optional.of(new ForbiddenAttachment(name, finding));
    }

    private static Item entry(String name, String data) {
        return entry(name, data.getBytes(StandardCharsets.UTF_8));
    }

    private static Item entry(String name, byte[] data) {
        return new Item(new ZipEntry(name), data);
    }

    private static Item stored(String name, byte[] data) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        return new Item(entry, data);
    }

    private static byte[] zip(Item... items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Item item : items) {
                zip.putNextEntry(item.entry());
                zip.write(item.data());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An archive of one entry of {@code size} zeros, written a MiB at a time. */
    private static byte[] zipOfZeros(String name, int size, boolean stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] mib = new byte[1 << 20];
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry entry = new ZipEntry(name);
            if (stored) {
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(size);
                CRC32 crc = new CRC32();
                for (int written = 0; written < size; written += mib.length) {
                    crc.update(mib);
                }
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            for (int written = 0; written < size; written += mib.length) {
                zip.write(mib);
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The archive with {@code copies} more copies of its first central directory header, each
     * pointing at the local header at {@code localOffset}; the archive has no comment.
     */
    private static byte[] withCentralCopies(byte[] zip, int copies, int localOffset) {
        int end = zip.length - 22;
        int directory = u32(zip, end + 16);
        int first = 46 + u16(zip, directory + 28) + u16(zip, directory + 30) + u16(zip, directory + 32);
        byte[] header = Arrays.copyOfRange(zip, directory, directory + first);
        put32(header, 42, localOffset);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(zip, 0, end);
        for (int i = 0; i < copies; i++) {
            out.write(header, 0, header.length);
        }
        byte[] record = Arrays.copyOfRange(zip, end, zip.length);
        int entries = u16(record, 10) + copies;
        record[8] = record[10] = (byte) entries;
        record[9] = record[11] = (byte) (entries >> 8);
        put32(record, 12, u32(record, 12) + copies * header.length);
        out.write(record, 0, record.length);
        return out.toByteArray();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) | u16(b, at + 2) << 16;
    }

    private static void put32(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >> 8 * i);
        }
    }

    /** Sets the traditional encryption flag of the entry {@code name} in its local and central headers. */
    private static byte[] encrypted(byte[] zip, String name) {
        byte[] copy = zip.clone();
        int local = indexOf(copy, name, 0);
        copy[local - 30 + 6] |= 1;
        int central = indexOf(copy, name, 1);
        copy[central - 46 + 8] |= 1;
        return copy;
    }

    /** Replaces the {@code occurrence}th (0: the local header's, 1: the central directory's) of a name. */
    private static byte[] rename(byte[] zip, String from, String to, int occurrence) {
        byte[] copy = zip.clone();
        byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(replacement, 0, copy, indexOf(copy, from, occurrence), replacement.length);
        return copy;
    }

    private static int indexOf(byte[] data, String text, int occurrence) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        int seen = 0;
        for (int i = 0; i + needle.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length) && seen++ == occurrence) {
                return i;
            }
        }
        throw new AssertionError(text + " #" + occurrence + " not found");
    }
}
