package dev.postillion.mta.pop3;

import dev.postillion.mta.LineWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** POP3 at the byte level, for what poplib would not send: pipelined input, AUTH, overlong lines. */
final class Pop3Wire extends LineWire {

    private boolean ended;

    Pop3Wire(int port) throws IOException {
        super(port);
    }

    /** Sends a command and returns its one-line response. */
    String command(String command) throws IOException {
        send(command + "\r\n");
        return line();
    }

    /** The lines of a multi-line response up to and with its final ".", as sent (still byte-stuffed). */
    List<String> multiLine() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = line();
            lines.add(line);
        } while (!line.equals("."));
        return lines;
    }

    @Override
    public boolean closedByServer() throws IOException {
        boolean closed = super.closedByServer();
        ended |= closed;
        return closed;
    }

    /** Closes the connection without QUIT, as a client that goes away does. */
    void drop() throws IOException {
        ended = true;
        super.close();
    }

    /**
     * Ends with QUIT unless the connection already ended: the session lets go of the maildrop before it
     * answers, so the next test's login finds it free.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!ended) {
                command("QUIT");
            }
        } finally {
            super.close();
        }
    }
}
