package dev.postillion.queue.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.QueueId;
import dev.postillion.core.testing.SerializedMessages;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueEntry;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every message of the queue admin protocol comes out of its Protobuf form as it went in. */
class QueueAdminSerializerTest {

    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final ActorRef<QueueAdminService.Answer> REPLY_TO = testKit.<QueueAdminService.Answer>createTestProbe()
            .ref();
    private static final QueueId ID = new QueueId(1_700_000_000_000_000L, 0xCAFE);

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void requestsKeepTheirFilterCursorAndReplyTo() {
        assertRoundTrip(new QueueAdminService.ListQueue(new QueueAdmin.Filter(Optional.of(QueueAdmin.State.HOLD),
                Optional.of("remote.test"), Optional.of("<>")), Optional.of(ID), 100, REPLY_TO));
        assertRoundTrip(new QueueAdminService.ListQueue(new QueueAdmin.Filter(Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty(), 1, REPLY_TO));
        assertRoundTrip(new QueueAdminService.Show(ID, REPLY_TO));
        assertRoundTrip(new QueueAdminService.Operate(ID, Operation.BOUNCE, REPLY_TO));
        assertRoundTrip(new QueueAdminService.Flush(Optional.of("remote.test"), REPLY_TO));
        assertRoundTrip(new QueueAdminService.Flush(Optional.empty(), REPLY_TO));
    }

    @Test
    void answersKeepEveryFieldOfTheirMessages() {
        QueueEntry held = new QueueEntry(ID, QueueAdmin.State.HOLD, Optional.empty(),
                Instant.parse("2026-03-04T05:06:07.890Z"), 3, Optional.empty(), true, List.of(
                        new QueueEntry.Recipient(EmailAddress.parse("anna@remote.test", false),
                                QueueEntry.Progress.PENDING, 3, Optional.of("host mx.remote.test[192.0.2.1] said: 451")),
                        new QueueEntry.Recipient(EmailAddress.parse("bob@remote.test", false),
                                QueueEntry.Progress.DELIVERED, 1, Optional.empty())), OptionalLong.of(2048));
        QueueEntry fresh = new QueueEntry(new QueueId(2, 1), QueueAdmin.State.ACTIVE,
                Optional.of(EmailAddress.parse("carl@example.test", false)), Instant.parse("2026-03-04T05:06:08Z"), 0,
                Optional.of(Instant.parse("2026-03-04T05:06:08Z")), false, List.of(), OptionalLong.empty());
        assertRoundTrip(new QueueAdminService.Listed(new QueueAdmin.Page(List.of(held, fresh), Optional.of(ID))));
        assertRoundTrip(new QueueAdminService.Listed(new QueueAdmin.Page(List.of(), Optional.empty())));
        assertRoundTrip(new QueueAdminService.Shown(Optional.of(held), 1234));
        assertRoundTrip(new QueueAdminService.Shown(Optional.empty(), -1));
        assertRoundTrip(new QueueAdminService.Operated(OperationResult.ON_HOLD));
        assertRoundTrip(new QueueAdminService.Flushed(7));
        assertRoundTrip(new QueueAdminService.Failed());
    }

    private void assertRoundTrip(Object message) {
        assertInstanceOf(QueueAdminSerializer.class, SerializedMessages.serializerOf(testKit.system(), message),
                message.getClass().getName());
        assertEquals(message, SerializedMessages.roundTrip(testKit.system(), message));
    }
}
