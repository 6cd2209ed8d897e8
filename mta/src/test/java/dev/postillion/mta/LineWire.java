package dev.postillion.mta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A line protocol at the byte level (IMAP, POP3), for what a client library would not send:
 * pipelined or injected input, cut connections, TLS started over the connection.
 */
public class LineWire implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public LineWire(int port) throws IOException {
        use(new Socket("127.0.0.1", port));
    }

    /** Connects with TLS from the first byte (RFC 8314), the handshake done. */
    public LineWire(int port, SSLContext tls) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        use(secure);
        secure.startHandshake();
    }

    private void use(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** How long {@link #line} waits for the server (10 seconds unless set). */
    public void timeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** After the server's OK to STARTTLS (STLS): the handshake over this connection. */
    public void startTls(SSLContext tls) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        use(secure);
        secure.startHandshake();
    }

    public void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line from the server, without its CRLF. */
    public String line() throws IOException {
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

    /** Whether the server closed the connection, reading whatever it still sent. */
    public boolean closedByServer() throws IOException {
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
