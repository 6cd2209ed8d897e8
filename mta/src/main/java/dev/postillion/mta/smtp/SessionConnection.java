package dev.postillion.mta.smtp;

import dev.postillion.mta.net.ContentMemory;
import java.net.InetAddress;

/** What an {@link SmtpSession} needs of its connection; implemented on the I/O side ({@link SmtpConnection}). */
public interface SessionConnection {
    void send(Reply reply);

    void sendAndClose(Reply reply);

    /** After a 354: the framer reads content. */
    void startData();

    /**
     * The message whose content came last is decided on (spooled or refused): its content no
     * longer counts against the node's {@link ContentMemory}. Callable from any thread.
     */
    void contentDecided();

    /** After DATA or STARTTLS was refused: the framer reads commands again. */
    void resumeCommands();

    /**
     * After STARTTLS was accepted: drops whatever the client sent after the STARTTLS line, sends
     * {@code ready} in plain text and reads only TLS from then on (RFC 3207 section 4.2). The
     * session hears {@link SmtpSession.TlsStarted} once the handshake is done.
     */
    void startTls(Reply ready);

    /** Closes the connection if it is still open; idempotent. */
    void close();

    /** The client's IP address, which the session asks once, at its start. */
    InetAddress clientAddress();
}
