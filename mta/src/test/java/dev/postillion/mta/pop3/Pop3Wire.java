package dev.postillion.mta.pop3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** POP3 at the byte level, for what poplib would not send: pipelined input, AUTH, overlong lines. */
final class Pop3Wire implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean ended;

    Pop3Wire(int port) throws IOException {
        use(new Socket("127.0.0.1", port));
    }

    private void use(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** After the server's +OK to STLS: the handshake over this connection. */
    void startTls(SSLContext tls) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        use(secure);
        secure.startHandshake();
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line from the server, without its CRLF. */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the server closed the connection after: " + line);
            }
            line.write(c);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
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

    /** Whether the server closed the connection, reading whatever it still sent. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    ended = true;
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Closes the connection without QUIT, as a client that goes away does. */
    void drop() throws IOException {
        ended = true;
        socket.close();
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
            socket.close();
        }
    }
}
