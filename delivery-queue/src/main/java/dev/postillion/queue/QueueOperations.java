package dev.postillion.queue;

import dev.postillion.core.QueueId;
import dev.postillion.queue.QueueManager.Command;
import dev.postillion.queue.QueueManager.OperandRead;
import dev.postillion.queue.QueueManager.Operate;
import dev.postillion.queue.QueueManager.Operation;
import dev.postillion.queue.QueueManager.OperationResult;
import dev.postillion.queue.QueueManager.RetryNow;
import dev.postillion.queue.QueueManager.RetryRead;
import dev.postillion.queue.Settlement.Request;
import dev.postillion.queue.SpoolStore.Due;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' commands in the {@link QueueManager} (the admin API's): hold, release, retry,
 * delete or bounce one message (Postfix's postsuper(1) and {@code postqueue -i}), and a flush of
 * many, answered once their retries are in the spool. They run on the manager's thread, on the
 * messages it owns: a command for a busy message waits for it, and one for a message being
 * attempted is recorded on the attempt and applied when the attempt settles.
 */
final class QueueOperations {

    /** What the commands need of the queue manager besides the state they share with it. */
    interface Scheduler {

        /**
         * A busy message whose read failed may have come due while it was busy, and been passed
         * over by the schedule's read cursor: its entry is read again.
         */
        void revisit(QueueId id);

        /** A read for the operators is over: a drain waiting for it may be answered. */
        void answerIfDrained();
    }

    private static final Logger queueLog = LoggerFactory.getLogger("postillion.queue");

    private final ActorContext<Command> context;
    private final SpoolStore spool;
    private final Clock clock;
    private final BusyMessages busy;
    private final AttemptsInFlight inFlight;
    private final MessageChanges changes;
    private final Scheduler scheduler;

    QueueOperations(ActorContext<Command> context, SpoolStore spool, Clock clock, BusyMessages busy,
            AttemptsInFlight inFlight, MessageChanges changes, Scheduler scheduler) {
        this.context = context;
        this.spool = spool;
        this.clock = clock;
        this.busy = busy;
        this.inFlight = inFlight;
        this.changes = changes;
        this.scheduler = scheduler;
    }

    Behavior<Command> onOperate(Operate operate) {
        QueueId id = operate.id();
        if (busy.await(operate)) {
            return Behaviors.same(); // acts on the state the read or the settlement leaves
        }
        Attempt attempt = inFlight.get(id);
        if (attempt != null) {
            // Being attempted: a retry or release has nothing left to do; the rest apply at settlement.
            if (operate.operation() == Operation.RETRY || operate.operation() == Operation.RELEASE) {
                operate.replyTo().tell(OperationResult.DONE);
            } else {
                attempt.request = Request.valueOf(operate.operation().name());
                attempt.operators.add(operate.replyTo());
            }
            return Behaviors.same();
        }
        busy.add(id);
        CompletionStage<QueuedMessage> message = spool.message(id);
        CompletionStage<byte[]> content = message.thenCompose(read -> read == null
                || operate.operation() != Operation.BOUNCE ? CompletableFuture.completedFuture(null) : spool.content(id));
        context.pipeToSelf(message.thenCombine(content, (read, body) -> new OperandRead(operate, read, body, null)),
                (read, failure) -> failure == null ? read : new OperandRead(operate, null, null, failure));
        return Behaviors.same();
    }

    Behavior<Command> onOperandRead(OperandRead read) {
        Operate operate = read.operate();
        QueuedMessage message = read.message();
        List<Operate> waiting = busy.remove(operate.id());
        List<ActorRef<OperationResult>> operator = List.of(operate.replyTo());
        if (read.failure() != null) {
            queueLog.error("{}: cannot read the message for the operator: {}", operate.id(), read.failure().getMessage());
            operate.replyTo().tell(OperationResult.NOT_WRITTEN);
            scheduler.revisit(operate.id());
        } else if (message == null) {
            operate.replyTo().tell(OperationResult.NOT_FOUND);
        } else {
            switch (operate.operation()) {
                case RETRY -> {
                    if (message.state().getHeld()) {
                        operate.replyTo().tell(OperationResult.ON_HOLD);
                    } else {
                        reschedule(message, clock.millis(), false, operator);
                    }
                }
                case RELEASE -> reschedule(message, clock.millis(), false, operator);
                case HOLD -> reschedule(message, 0, true, operator);
                case DELETE -> changes.settle(message, null, List.of(), Request.DELETE, operator);
                case BOUNCE -> changes.settle(message, read.content(), List.of(), Request.BOUNCE, operator);
            }
        }
        waiting.forEach(this::onOperate);
        scheduler.answerIfDrained();
        return Behaviors.same();
    }

    Behavior<Command> onRetryNow(RetryNow retry) {
        List<QueueId> ids = retry.ids().stream().distinct()
                .filter(id -> !inFlight.contains(id) && !busy.contains(id)).toList();
        ids.forEach(busy::add);
        List<CompletableFuture<QueuedMessage>> reads = ids.stream()
                .map(id -> spool.message(id).toCompletableFuture()).toList();
        context.pipeToSelf(CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)),
                (done, failure) -> new RetryRead(retry, ids, failure == null
                        ? reads.stream().map(CompletableFuture::join).toList() : List.of(), failure));
        return Behaviors.same();
    }

    Behavior<Command> onRetryRead(RetryRead read) {
        if (read.failure() != null) {
            queueLog.error("cannot read the messages to retry: {}", read.failure().getMessage());
        }
        List<QueuedMessage> messages = read.failure() != null ? List.of() : read.messages();
        // The flush is answered once its retries are in the store, with how many are.
        ActorRef<OperationResult> counter = context.spawnAnonymous(FlushCount.of(
                (int) messages.stream().filter(QueueOperations::retriable).count(), read.retry().replyTo()));
        for (int i = 0; i < read.ids().size(); i++) {
            List<Operate> waiting = busy.remove(read.ids().get(i));
            if (read.failure() != null) {
                scheduler.revisit(read.ids().get(i));
            } else if (retriable(messages.get(i))) {
                reschedule(messages.get(i), clock.millis(), false, List.of(counter));
            }
            waiting.forEach(this::onOperate); // after the retry's own change, as they came after it
        }
        scheduler.answerIfDrained();
        return Behaviors.same();
    }

    private static boolean retriable(QueuedMessage message) {
        return message != null && !message.state().getHeld();
    }

    /** Moves the message's schedule entry to {@code due}, or takes it out ({@code held}). */
    private void reschedule(QueuedMessage message, long due, boolean held, List<ActorRef<OperationResult>> operators) {
        SpoolStore.Change change = spool.change();
        if (!message.state().getHeld()) {
            change.unschedule(message.id(), message.due());
        }
        if (!held) {
            change.schedule(message.id(), due);
        }
        change.state(message, message.state().toBuilder().setHeld(held)
                .setDueEpochMillis(held ? message.due() : due).build());
        if (held) {
            queueLog.info("{}: placed on hold by the operator", message.id());
        } else if (message.state().getHeld()) {
            queueLog.info("{}: released from hold by the operator", message.id());
        }
        changes.commit(message, change, held ? List.of() : List.of(new Due(due, message.id())), operators);
    }
}
