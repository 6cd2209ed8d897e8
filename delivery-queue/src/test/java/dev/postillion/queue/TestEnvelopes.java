package dev.postillion.queue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Envelopes and content of queued test messages. */
final class TestEnvelopes {

    static final byte[] CONTENT = "Subject: test\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8);

    private TestEnvelopes() {}

    static Envelope from(String sender, String... recipients) {
        return envelope(sender, Arrays.stream(recipients)
                .map(r -> new Envelope.Recipient(EmailAddress.parse(r, false), Map.of())).toList());
    }

    /** From {@code sender} to anna@example.com and bob@example.com, with these NOTIFY values (RFC 3461). */
    static Envelope withNotify(String sender, String annaNotify, String bobNotify) {
        return envelope(sender, List.of(
                new Envelope.Recipient(EmailAddress.parse("anna@example.com", false), Map.of("NOTIFY", annaNotify)),
                new Envelope.Recipient(EmailAddress.parse("bob@example.com", false), Map.of("NOTIFY", bobNotify))));
    }

    private static Envelope envelope(String sender, List<Envelope.Recipient> recipients) {
        return new Envelope(Optional.of(EmailAddress.parse(sender, false)), Map.of(), recipients,
                "client.example.org", "192.0.2.7", Instant.parse("2026-01-01T00:00:00Z"), false);
    }
}
