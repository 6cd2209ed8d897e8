package dev.postillion.mailbox;

import static dev.postillion.mailbox.MailboxFixture.ADDRESS;
import static dev.postillion.mailbox.MailboxFixture.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.mailbox.proto.FolderRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Thousands of generated edits against a plain model of folders, compared after every few: the
 * mailbox's derived records (counts, uid blocks, \Deleted sets, the changes index) must always
 * agree with its messages, whatever the order of appends, flag changes, copies, moves, expunges,
 * restores and new incarnations.
 */
class MailboxModelTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final List<String> FOLDERS = List.of("INBOX", "Work", "Trash");
    private static final List<String> KEYWORDS = List.of("$Label1", "work", "Later");

    @TempDir Path dir;

    private record Model(TreeMap<Long, String> subjects, TreeMap<Long, MessageFlags> flags, long[] uidNext) {
        static Model empty() {
            return new Model(new TreeMap<>(), new TreeMap<>(), new long[] {1});
        }
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void generatedEditsKeepEveryRecordConsistent() {
        Random random = new Random(20261207);
        try (MailboxFixture mailbox = new MailboxFixture(testKit, dir)) {
            mailbox.done(new MailboxEdit.CreateFolder("Work"));
            Map<String, Model> model = new HashMap<>();
            FOLDERS.forEach(folder -> model.put(folder, Model.empty()));
            int deleted = 0;
            for (int step = 1; step <= 600; step++) {
                deleted += step(mailbox, model, random, step);
                if (step % 25 == 0) {
                    assertAgrees(mailbox, model, deleted, step);
                }
                if (step % 200 == 0) {
                    mailbox.restart();
                }
            }
        }
    }

    /** One random edit, made in the mailbox and the model; returns how many messages it expunged. */
    private static int step(MailboxFixture mailbox, Map<String, Model> model, Random random, int step) {
        String folder = FOLDERS.get(random.nextInt(FOLDERS.size()));
        Model at = model.get(folder);
        List<Long> some = pick(at, random);
        int kind = at.subjects().isEmpty() ? 0 : random.nextInt(10);
        if (kind <= 2) {
            MessageFlags flags = randomFlags(random);
            long uid = mailbox.append(folder, "m" + step, flags);
            assertEquals(at.uidNext()[0]++, uid);
            at.subjects().put(uid, "m" + step);
            at.flags().put(uid, flags);
        } else if (kind <= 5) {
            MessageFlags.Change change = MessageFlags.Change.values()[random.nextInt(3)];
            MessageFlags given = randomFlags(random);
            mailbox.done(new MailboxEdit.SetFlags(folder, bitmap(some), change, given, -1));
            some.forEach(uid -> at.flags().put(uid, at.flags().get(uid).apply(change, given)));
        } else if (kind <= 7) {
            String target = FOLDERS.get(random.nextInt(FOLDERS.size()));
            boolean move = kind == 7 && !target.equals(folder);
            MailboxEdit.Edited edited = mailbox.done(move ? new MailboxEdit.Move(folder, bitmap(some), target)
                    : new MailboxEdit.Copy(folder, bitmap(some), target));
            Model to = model.get(target);
            for (int i = 0; i < some.size(); i++) {
                long uid = some.get(i);
                assertEquals(to.uidNext()[0]++, edited.uids().get(i));
                to.subjects().put(edited.uids().get(i), at.subjects().get(uid));
                to.flags().put(edited.uids().get(i), at.flags().get(uid));
                if (move) {
                    at.subjects().remove(uid);
                    at.flags().remove(uid);
                }
            }
        } else {
            boolean all = kind == 8;
            MailboxEdit.Edited edited = mailbox.done(new MailboxEdit.Expunge(folder, all ? null : bitmap(some)));
            List<Long> expected = new ArrayList<>();
            for (long uid : all ? List.copyOf(at.flags().keySet()) : some) {
                if (at.flags().get(uid).has(MessageFlags.DELETED)) {
                    expected.add(uid);
                    at.subjects().remove(uid);
                    at.flags().remove(uid);
                }
            }
            assertEquals(expected, edited.expunged(), "step " + step);
            return expected.size();
        }
        return 0;
    }

    private static void assertAgrees(MailboxFixture mailbox, Map<String, Model> model, int deleted, int step) {
        for (String name : FOLDERS) {
            Model expected = model.get(name);
            Folder folder = mailbox.folder(name);
            List<MailMessage> messages = mailbox.messages(name);
            String at = name + " after step " + step;
            assertEquals(List.copyOf(expected.subjects().values()), messages.stream().map(MailMessage::subject)
                    .toList(), at);
            for (MailMessage message : messages) {
                assertEquals(true, expected.flags().get(message.uid()).sameAs(message.flags()), at);
            }
            assertEquals(expected.subjects().size(), folder.messages(), at);
            assertEquals(expected.flags().values().stream().filter(flags -> !flags.has(MessageFlags.SEEN)).count(),
                    folder.unseen(), at);
            assertEquals(expected.uidNext()[0], folder.uidNext(), at);
            assertEquals(bitmap(List.copyOf(expected.subjects().keySet())),
                    join(mailbox.mailStore.uids(ADDRESS, folder.id())), at);
            FolderRecord record = MailStore.parse(FolderRecord.parser(), join(mailbox.store.read(
                    MailboxFamilies.MAIL_FOLDERS, MailStore.folderKey(ADDRESS, name))).orElseThrow());
            assertEquals(bitmap(expected.flags().entrySet().stream().filter(entry -> entry.getValue()
                    .has(MessageFlags.DELETED)).map(Map.Entry::getKey).toList()),
                    MailStore.bitmap(record.getDeleted().toByteArray()), at + ": the \\Deleted set");
            List<Long> changed = join(mailbox.mailStore.changedSince(ADDRESS, folder.id(), 0, Integer.MAX_VALUE));
            assertEquals(expected.subjects().keySet(), new java.util.TreeSet<>(changed), at + ": one change per message");
            assertEquals(messages.stream().mapToLong(MailMessage::modSeq).max().orElse(1) <= folder.highestModSeq(),
                    true, at);
        }
        assertEquals(deleted, join(mailbox.mailStore.deleted(ADDRESS, Integer.MAX_VALUE)).size(), "after " + step);
        mailbox.clock.advance(Duration.ofSeconds(1));
    }

    private static List<Long> pick(Model model, Random random) {
        List<Long> uids = new ArrayList<>();
        for (long uid : model.subjects().keySet()) {
            if (random.nextInt(4) == 0) {
                uids.add(uid);
            }
        }
        return uids;
    }

    private static MessageFlags randomFlags(Random random) {
        List<String> keywords = new ArrayList<>();
        KEYWORDS.forEach(keyword -> {
            if (random.nextInt(3) == 0) {
                keywords.add(keyword);
            }
        });
        return new MessageFlags(random.nextInt(32), keywords);
    }

    private static RoaringBitmap bitmap(List<Long> uids) {
        RoaringBitmap bitmap = new RoaringBitmap();
        uids.forEach(uid -> bitmap.add((int) (long) uid));
        return bitmap;
    }
}
