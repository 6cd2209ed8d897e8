package dev.postillion.mta.imap;

import dev.postillion.mta.LineWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/** IMAP at the byte level, for what a library would not send: literals, pipelined input, cut connections. */
final class ImapWire extends LineWire {

    ImapWire(int port) throws IOException {
        super(port);
    }

    /** Connects with TLS from the first byte (RFC 8314), the handshake done. */
    ImapWire(int port, SSLContext tls) throws IOException {
        super(port, tls);
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
}
