package dev.postillion.mta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A raw SMTP client over a socket, for the protocol's edge cases: it sends exactly the bytes it is
 * given and reads replies line by line (a multi-line reply is returned whole).
 */
public final class SmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public SmtpClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connects from {@code from}, a loopback address such as 127.0.0.2, to tell clients apart. */
    public SmtpClient(int port, String from) throws IOException {
        use(new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0));
    }

    /** Connects with TLS from the first byte (RFC 8314 implicit TLS); the handshake is done. */
    public SmtpClient(int port, SSLContext tls) throws IOException {
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

    /** How long {@link #reply} waits for the server (10 seconds unless set). */
    public void replyTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** After the server's 220 to STARTTLS: the TLS handshake over this connection (RFC 3207). */
    public SSLSession startTls(SSLContext tls) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory()
                .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        use(secure);
        secure.startHandshake();
        return secure.getSession();
    }

    /** The TLS session of a connection made with TLS, or after {@link #startTls}. */
    public SSLSession tlsSession() {
        return ((SSLSocket) socket).getSession();
    }

    /** Sends {@code line} followed by CRLF and returns the reply. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    public void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next reply; for a multi-line one, its lines joined with "\n". Null at end of stream. */
    public String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                return lines.isEmpty() ? null : String.join("\n", lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** True once the server has closed the connection. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            // Closed with a command of ours still unread on its side: TCP resets instead of ending.
            if ("Connection reset".equals(e.getMessage())) {
                return true;
            }
            throw e;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.length() == 0 ? null : line.toString();
            }
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
