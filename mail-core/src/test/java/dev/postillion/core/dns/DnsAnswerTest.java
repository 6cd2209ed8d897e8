package dev.postillion.core.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Why a lookup failed, as reports and Authentication-Results quote it: stable words, never a library's text. */
class DnsAnswerTest {

    @Test
    void aNetworkFaultIsReportedInStableWordsNotTheExceptionsText() {
        DnsAnswer answer = DnsAnswer.failed("example.org", Type.MX,
                new CompletionException(new IOException(new PortUnreachableException("ICMP Port Unreachable"))));
        assertEquals("network error", answer.reason());
        assertEquals("Host or domain name not found. Name service error for name=example.org type=MX: Host not found,"
                + " try again (network error)", answer.error());
    }
}
