package dev.postillion.loadtest.wire;

/** A protocol's client on one connection of one virtual user. */
public interface Client {

    /** Open, and no failure has made its replies unmatchable. */
    boolean isOpen();

    /** Says goodbye (QUIT, LOGOUT) without waiting for the answer and closes: for a user who leaves the scenario. */
    void leave();
}
