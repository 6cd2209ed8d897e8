package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.core.testing.SerializedMessages;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class MailboxSerializerTest {

    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll static void stop() {
        testKit.shutdownTestKit();
    }

    @Test void deliverTravelsWithItsContentAndReplyTo() {
        TestProbe<MailboxActor.Delivered> probe = testKit.createTestProbe();
        byte[] content = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        Envelope envelope = new Envelope(Optional.of(EmailAddress.parse("a@b.test", false)), Map.of("BODY", "8BITMIME"),
                List.of(new Envelope.Recipient(EmailAddress.parse("c@d.test", false), Map.of("NOTIFY", "NEVER"))),
                "client.b.test", "192.0.2.7", Instant.parse("2026-03-04T05:06:07Z"), true, true, true);
        var sent = new MailboxActor.Deliver(new QueueId(42, 7), 3, envelope, content, probe.ref());

        var received = assertInstanceOf(MailboxActor.Deliver.class, roundTrip(sent));

        assertEquals(sent.queueId(), received.queueId());
        assertEquals(3, received.recipient());
        assertEquals(envelope, received.envelope());
        assertArrayEquals(content, received.content());
        assertEquals(probe.ref(), received.replyTo());
    }

    @Test void deliveredKeepsTheContentIdOrTheFailure() {
        var stored = new MailboxActor.Delivered(new QueueId(1, 2), 0, 17, null);
        var failed = new MailboxActor.Delivered(new QueueId(1, 2), 1, -1, "mailbox write failed: disk full");

        assertEquals(stored, roundTrip(stored));
        assertEquals(failed, roundTrip(failed));
    }

    @Test void purgeKeepsItsReplyTo() {
        TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
        var received = assertInstanceOf(MailboxActor.Purge.class, roundTrip(new MailboxActor.Purge(probe.ref())));
        assertEquals(probe.ref(), received.replyTo());
    }

    @Test void everyEditTravelsWithItsReplyTo() {
        TestProbe<MailboxEdit.Edited> probe = testKit.createTestProbe();
        RoaringBitmap uids = RoaringBitmap.bitmapOf(1, 2, 3, 70_000);
        MessageFlags flags = new MessageFlags(MessageFlags.SEEN | MessageFlags.FLAGGED, List.of("$Label1", "Work"));
        List<MailboxEdit> edits = List.of(new MailboxEdit.Open(), new MailboxEdit.CreateFolder("Projects/2026"),
                new MailboxEdit.DeleteFolder("Old"), new MailboxEdit.RenameFolder("A", "B"),
                new MailboxEdit.Subscribe("Archive", false),
                new MailboxEdit.SetFlags("INBOX", uids, MessageFlags.Change.REMOVE, flags, 17),
                new MailboxEdit.SetFlags("INBOX", uids, MessageFlags.Change.REPLACE, MessageFlags.NONE, -1),
                new MailboxEdit.Copy("INBOX", uids, "Archive"), new MailboxEdit.Move("INBOX", uids, "Trash"),
                new MailboxEdit.Expunge("INBOX", null), new MailboxEdit.Expunge("INBOX", uids),
                new MailboxEdit.Restore("1767225600000.1.4"));
        for (MailboxEdit edit : edits) {
            var received = assertInstanceOf(MailboxActor.Edit.class, roundTrip(new MailboxActor.Edit(edit, probe.ref())));
            assertEquals(edit, received.edit());
            assertEquals(probe.ref(), received.replyTo());
        }
        byte[] content = "Subject: sent\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        var append = new MailboxEdit.Append("Sent", content, flags, Instant.parse("2026-03-04T05:06:07Z"));
        var received = assertInstanceOf(MailboxEdit.Append.class,
                assertInstanceOf(MailboxActor.Edit.class, roundTrip(new MailboxActor.Edit(append, probe.ref()))).edit());
        assertArrayEquals(content, received.content());
        assertEquals(List.of(append.folder(), append.flags(), append.internalDate()),
                List.of(received.folder(), received.flags(), received.internalDate()));
    }

    @Test void editedKeepsWhatTheEditCameTo() {
        var made = new MailboxEdit.Edited(null, "Archive", 1767225607L, List.of(4L, 9L), List.of(1L, 2L),
                List.of(new MailboxEdit.FlagsChanged(4, new MessageFlags(MessageFlags.SEEN, List.of("x")), 12)),
                List.of(7L), List.of(4L, 9L));
        var refused = MailboxEdit.Edited.refused(MailboxEdit.Refusal.Reason.TRYCREATE, "no folder Ideas");
        assertEquals(made, roundTrip(made));
        assertEquals(refused, roundTrip(refused));
    }

    @Test void theMailboxProtocolIsBoundToTheProtobufSerializer() {
        assertInstanceOf(MailboxSerializer.class,
                SerializedMessages.serializerOf(testKit.system(), new MailboxActor.Delivered(new QueueId(1, 2), 0, 1, null)));
    }

    private static Object roundTrip(Object message) {
        return SerializedMessages.roundTrip(testKit.system(), message);
    }
}
