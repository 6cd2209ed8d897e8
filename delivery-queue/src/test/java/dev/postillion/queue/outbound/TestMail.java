package dev.postillion.queue.outbound;

import com.typesafe.config.ConfigFactory;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.tls.TlsPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/** Messages and settings for the outbound tests. */
final class TestMail {

    static final byte[] CONTENT = "Subject: test\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8);

    private TestMail() {}

    static Envelope envelope(String sender, String... recipients) {
        return new Envelope(Optional.of(EmailAddress.parse(sender, false)), Map.of(),
                Arrays.stream(recipients).map(r -> new Envelope.Recipient(EmailAddress.parse(r, true), Map.of())).toList(),
                "client.example.org", "192.0.2.7", Instant.parse("2026-01-01T00:00:00Z"), false);
    }

    /** Every recipient of the envelope, with this content. */
    static DeliveryRequest request(Envelope envelope, byte[] content) {
        List<Integer> all = IntStream.range(0, envelope.recipients().size()).boxed().toList();
        return new DeliveryRequest(new QueueId(1, 1), envelope, all, content);
    }

    static DeliveryRequest request(String sender, String... recipients) {
        return request(envelope(sender, recipients), CONTENT);
    }

    /**
     * Timeouts that end a failing test in seconds rather than minutes; tests of a timeout set
     * their own. No test waits for these to pass.
     */
    private static final String SHORT_TIMEOUTS = """
            connect-timeout = 10s, helo-timeout = 10s, mail-timeout = 10s, rcpt-timeout = 10s,
            data-init-timeout = 10s, data-transfer-timeout = 10s, data-done-timeout = 10s,
            rset-timeout = 10s, quit-timeout = 10s
            """;

    /** reference.conf's {@code postillion.delivery.smtp}, with test overrides in HOCON. */
    static SmtpClientSettings smtp(String overrides) {
        return SmtpClientSettings.from(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseString(SHORT_TIMEOUTS))
                .withFallback(ConfigFactory.defaultReference().getConfig("postillion.delivery.smtp")));
    }

    /** reference.conf's {@code postillion.delivery.tls}, with test overrides in HOCON. */
    static TlsPolicy tls(String overrides) {
        return TlsPolicy.from(ConfigFactory.parseString("postillion.delivery.tls { " + overrides + " }")
                .withFallback(ConfigFactory.defaultReference()));
    }

    static DestinationSettings destination(String overrides) {
        return DestinationSettings.from(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("postillion.delivery.destination")));
    }
}
