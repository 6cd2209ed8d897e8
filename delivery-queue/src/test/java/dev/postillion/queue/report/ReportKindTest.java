package dev.postillion.queue.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 3461 section 4.1: which reports the NOTIFY parameter asks for. */
class ReportKindTest {

    @Test
    void withoutNotifyFailuresAndDelaysAreReportedButNotSuccess() {
        assertEquals(EnumSet.of(ReportKind.FAILURE, ReportKind.DELAY), requested("anna@example.org", Map.of()));
    }

    @Test
    void notifyNeverAsksForNoReport() {
        assertEquals(EnumSet.noneOf(ReportKind.class), requested("anna@example.org", Map.of("NOTIFY", "NEVER")));
    }

    @Test
    void notifyListsTheReportsWanted() {
        assertEquals(EnumSet.of(ReportKind.SUCCESS), requested("anna@example.org", Map.of("NOTIFY", "SUCCESS")));
        assertEquals(EnumSet.of(ReportKind.SUCCESS, ReportKind.DELAY),
                requested("anna@example.org", Map.of("NOTIFY", "SUCCESS,DELAY")));
        assertEquals(EnumSet.of(ReportKind.FAILURE), requested("anna@example.org", Map.of("NOTIFY", "failure")));
    }

    @Test
    void theNullSenderGetsNoReportWhateverNotifySays() {
        assertEquals(EnumSet.noneOf(ReportKind.class), requested(null, Map.of()));
        assertEquals(EnumSet.noneOf(ReportKind.class), requested(null, Map.of("NOTIFY", "SUCCESS,FAILURE,DELAY")));
    }

    private static Set<ReportKind> requested(String sender, Map<String, String> recipientParameters) {
        Envelope.Recipient recipient =
                new Envelope.Recipient(EmailAddress.parse("bob@remote.test", false), recipientParameters);
        Envelope envelope = new Envelope(Optional.ofNullable(sender).map(s -> EmailAddress.parse(s, false)), Map.of(),
                List.of(recipient), "client.example.org", "192.0.2.7", Instant.EPOCH, false);
        Set<ReportKind> kinds = EnumSet.noneOf(ReportKind.class);
        for (ReportKind kind : ReportKind.values()) {
            if (kind.isRequested(envelope, recipient)) {
                kinds.add(kind);
            }
        }
        return kinds;
    }
}
