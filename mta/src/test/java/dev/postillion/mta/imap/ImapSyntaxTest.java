package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** Folder names in modified UTF-7, sequence sets, and the reading of command arguments. */
class ImapSyntaxTest {

    @Test
    void modifiedUtf7SpellsTheExamplesOfRfc3501() {
        assertEquals("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ModifiedUtf7.encode("~peter/mail/台北/日本語"));
        assertEquals("~peter/mail/台北/日本語", ModifiedUtf7.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
        assertEquals("Tom &-Jerry", ModifiedUtf7.encode("Tom &Jerry"));
        assertEquals("Tom &Jerry", ModifiedUtf7.decode("Tom &-Jerry"));
        assertEquals("Entw&APw-rfe", ModifiedUtf7.encode("Entwürfe"));
        assertEquals("&U,BTFw", ModifiedUtf7.decode("&U,BTFw"), "no closing '-': taken as it is");
    }

    @Test
    void generatedNamesSurviveModifiedUtf7() {
        Random random = new Random(3501);
        for (int i = 0; i < 5000; i++) {
            StringBuilder name = new StringBuilder();
            for (int c = 0; c < 1 + random.nextInt(12); c++) {
                name.appendCodePoint(switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5F);
                    case 1 -> '&';
                    case 2 -> 0xA0 + random.nextInt(0x2000);
                    default -> 0x1F600 + random.nextInt(0x50);
                });
            }
            String encoded = ModifiedUtf7.encode(name.toString());
            assertEquals(true, encoded.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), encoded);
            assertEquals(name.toString(), ModifiedUtf7.decode(encoded));
        }
    }

    @Test
    void sequenceSetsNameUidsBySequenceNumberOrUid() {
        RoaringBitmap known = RoaringBitmap.bitmapOf(3, 5, 9, 10, 42);
        assertEquals(RoaringBitmap.bitmapOf(3, 9, 10, 42), SequenceSet.uids("1,3:*", false, known));
        assertEquals(RoaringBitmap.bitmapOf(5, 9), SequenceSet.uids("3:2", false, known), "either way round");
        assertEquals(RoaringBitmap.bitmapOf(9, 10, 42), SequenceSet.uids("6:*", true, known), "uids that exist");
        assertEquals(RoaringBitmap.bitmapOf(42), SequenceSet.uids("100:*", true, known), "* is the last uid");
        assertEquals(new RoaringBitmap(), SequenceSet.uids("1:*", false, new RoaringBitmap()));
        assertEquals("no message with sequence number 6: the folder holds 5", assertThrows(
                CommandReader.BadSyntax.class, () -> SequenceSet.uids("2,6", false, known)).getMessage());
        assertEquals("sequence numbers and uids run from 1 to 4294967295, not 0", assertThrows(
                CommandReader.BadSyntax.class, () -> SequenceSet.uids("0:3", true, known)).getMessage());
    }

    @Test
    void esearchAnswersGatherRunsIntoRangesAndSaveKeepsWhatItIsAskedFor() {
        assertEquals("1:3,5,7:8", SearchReturn.sequenceSet(List.of(1L, 2L, 3L, 5L, 7L, 8L)));
        assertEquals("", SearchReturn.sequenceSet(List.of()));
        SearchReturn minMax = SearchReturn.read(new CommandReader("(MIN MAX SAVE)".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(RoaringBitmap.bitmapOf(2, 9), minMax.saved(List.of(2L, 4L, 9L)), "RFC 5182 section 2.4");
        assertEquals("* ESEARCH (TAG \"a\") UID MIN 2 MAX 9 MODSEQ 7", minMax.response("a", true, List.of(2L, 4L, 9L), 7));
        SearchReturn countSave = SearchReturn.read(new CommandReader("(COUNT SAVE)".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(RoaringBitmap.bitmapOf(2, 4, 9), countSave.saved(List.of(2L, 4L, 9L)));
        assertEquals("* SEARCH 2 4 (MODSEQ 7)", SearchReturn.plain(false).response("a", false, List.of(2L, 4L), 7));
    }

    @Test
    void argumentsAreReadAsTheGrammarHasThem() {
        CommandReader reader = new CommandReader(("\"a \\\"quoted\\\" one\" {5}\r\nlit\r\n atom (\\Seen $Label1)")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("a \"quoted\" one", reader.astring());
        reader.space();
        assertEquals("lit\r\n", reader.astring());
        reader.space();
        assertEquals("atom", reader.astring());
        reader.space();
        assertEquals(List.of("\\Seen", "$Label1"), reader.atomList());
        reader.end();
        assertEquals("the literal is shorter than announced", assertThrows(CommandReader.BadSyntax.class,
                () -> new CommandReader("{9}\r\nabc".getBytes(StandardCharsets.US_ASCII)).astring()).getMessage());
    }
}
