package dev.postillion.queue.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds a {@link FakeMx}'s replies to the end of DATA while closed: how a test keeps deliveries
 * under way while it looks. Open until {@link #close()}.
 */
final class EndOfDataGate {

    private final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch gate;

    /** From now on, sessions reaching the end of DATA wait. */
    void close() {
        gate = new CountDownLatch(1);
    }

    /** Lets the sessions waiting now go on; later ones wait again. */
    void releaseWaiting() {
        CountDownLatch current = gate;
        if (current != null) {
            gate = new CountDownLatch(1);
            current.countDown();
        }
    }

    /** Every waiting session goes on, and later ones do not wait. */
    void open() {
        CountDownLatch current = gate;
        gate = null;
        if (current != null) {
            current.countDown();
        }
    }

    int waiting() {
        return waiting.get();
    }

    /** A session at the end of DATA: waits while the gate is closed. */
    void pass() throws InterruptedException {
        CountDownLatch current = gate;
        if (current != null) {
            waiting.incrementAndGet();
            try {
                current.await();
            } finally {
                waiting.decrementAndGet();
            }
        }
    }
}
