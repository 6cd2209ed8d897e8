package dev.postillion.queue.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void enhancedStatusCodeOfTheReplyClassIsItsDsn() {
        assertEquals("5.1.1", new SmtpReply(550, List.of("550 5.1.1 <bob@x>: unknown")).dsn());
        assertEquals("4.7.25", new SmtpReply(451, List.of("451-4.7.25 first", "451 4.7.25 second")).dsn());
    }

    @Test
    void withoutAnEnhancedCodeTheDsnComesFromTheReplyCode() {
        assertEquals("5.0.0", new SmtpReply(554, List.of("554 no")).dsn());
        assertEquals("2.0.0", new SmtpReply(250, List.of("250 Ok")).dsn());
        // An enhanced code of another class than the reply's is not believed (RFC 3463 section 2).
        assertEquals("4.0.0", new SmtpReply(450, List.of("450 5.1.1 confused")).dsn());
        assertEquals("5.0.0", new SmtpReply(550, List.of("550 5.1.1x not a code")).dsn());
    }

    @Test
    void extensionsAreReadFromTheEhloKeywords() {
        ServerExtensions offered = ServerExtensions.parse(new SmtpReply(250, List.of("250-mx.example.com Hello",
                "250-pipelining", "250-SIZE 52428800", "250-8BITMIME", "250-SMTPUTF8", "250-DSN", "250-STARTTLS",
                "250 ENHANCEDSTATUSCODES")));
        assertEquals(new ServerExtensions(true, true, 52_428_800, true, true, true, true), offered);
    }

    @Test
    void sizeWithoutNumberHasNoLimitAndTheGreetingLineIsNoKeyword() {
        ServerExtensions offered = ServerExtensions.parse(new SmtpReply(250, List.of("250-DSN", "250 SIZE")));
        assertTrue(offered.size());
        assertEquals(0, offered.sizeLimit());
        assertFalse(offered.dsn());
    }
}
