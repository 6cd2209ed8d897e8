package dev.postillion.mta.imap;

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

/** IMAP at the byte level, for what a library would not send: literals, pipelined input, cut connections. */
final class ImapWire implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ImapWire(int port) throws IOException {
        use(new Socket("127.0.0.1", port));
    }

    private void use(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects with TLS from the first byte (RFC 8314), the handshake done. */
    ImapWire(int port, SSLContext tls) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        use(secure);
        secure.startHandshake();
    }

    /** How long {@link #line} waits for the server (10 seconds unless set). */
    void timeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** After the server's OK to STARTTLS: the handshake over this connection. */
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

    /** The lines up to and with the one that starts with {@code tag}. */
    List<String> until(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = line();
            lines.add(line);
        } while (!line.startsWith(tag + " "));
        return lines;
    }

    /** Sends a command and returns its responses, the tagged one last. */
    List<String> command(String tag, String command) throws IOException {
        send(tag + " " + command + "\r\n");
        return until(tag);
    }

    /** Whether the server closed the connection, reading whatever it still sent. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
