package dev.postillion.queue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** Envelopes and content of queued test messages. */
final class TestEnvelopes {

    static final byte[] CONTENT = "Subject: test\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8);

    private TestEnvelopes() {}

    static Envelope from(String sender, String... recipients) {
        return new Envelope(Optional.of(EmailAddress.parse(sender, false)), Map.of("BODY", "8BITMIME"),
                Arrays.stream(recipients)
                        .map(r -> new Envelope.Recipient(EmailAddress.parse(r, false), Map.of("NOTIFY", "FAILURE")))
                        .toList(),
                "client.example.org", "192.0.2.7", Instant.parse("2026-01-01T00:00:00Z"), false);
    }
}
