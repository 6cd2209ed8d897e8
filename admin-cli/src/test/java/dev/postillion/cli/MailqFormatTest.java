package dev.postillion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mailq layout, exact, for a queue of known messages, in a known time zone: a reason ends at
 * column 78, as Postfix right-aligns it.
 */
class MailqFormatTest {

    private final MailqFormat mailq = new MailqFormat(ZoneId.of("Europe/Paris"));

    @Test
    void eachMessageThenItsPendingRecipientsUnderTheirLastReplyThenTheTotal() throws IOException {
        JsonNode deferred = message("""
                {"id":"0000019AF8C2D1E40000002A","state":"deferred","sender":"anna@one.test",
                 "arrival":"2026-12-07T19:41:05.123Z","size":2048,"recipients":[
                  {"address":"bob@remote.test","state":"pending","lastResult":"451 4.2.0 Mailbox busy"},
                  {"address":"carl@remote.test","state":"pending","lastResult":"451 4.2.0 Mailbox busy"},
                  {"address":"dora@remote.test","state":"delivered","lastResult":"250 2.0.0 Ok"},
                  {"address":"eve@other.test","state":"pending","lastResult":null}]}""");
        JsonNode held = message("""
                {"id":"0000019AF8C2D1E40000002B","state":"hold","sender":"","arrival":"2026-01-02T03:04:05Z",
                 "size":1000,"recipients":[{"address":"anna@one.test","state":"pending","lastResult":null}]}""");
        JsonNode active = message("""
                {"id":"0000019AF8C2D1E40000002C","state":"active","sender":"x@y.test","arrival":"2026-12-07T20:00:00Z",
                 "size":100,"recipients":[{"address":"z@slow.test","state":"pending","lastResult":null}]}""");

        assertEquals("""
                -Queue ID-                --Size-- ---Arrival Time---- --Sender/Recipient------
                0000019AF8C2D1E40000002A      2048 Mon Dec  7 20:41:05 anna@one.test
                                                                      (451 4.2.0 Mailbox busy)
                                                                       bob@remote.test
                                                                       carl@remote.test
                                                                          (reason unavailable)
                                                                       eve@other.test

                0000019AF8C2D1E40000002B!     1000 Fri Jan  2 04:04:05 MAILER-DAEMON
                                                                       anna@one.test

                0000019AF8C2D1E40000002C*      100 Mon Dec  7 21:00:00 x@y.test
                                                                       z@slow.test

                -- 3 Kbytes in 3 Requests.
                """, mailq.format(List.of(deferred, held, active)));
    }

    @Test
    void oneMessageIsOneRequest() throws IOException {
        JsonNode one = message("""
                {"id":"0000019AF8C2D1E40000002A","state":"deferred","sender":"a@b.test","arrival":"2026-06-30T22:00:00Z",
                 "size":1023,"recipients":[{"address":"c@d.test","state":"pending","lastResult":null}]}""");
        assertEquals("""
                -Queue ID-                --Size-- ---Arrival Time---- --Sender/Recipient------
                0000019AF8C2D1E40000002A      1023 Wed Jul  1 00:00:00 a@b.test
                                                                       c@d.test

                -- 0 Kbytes in 1 Request.
                """, mailq.format(List.of(one)));
    }

    @Test
    void anEmptyQueueSaysSo() {
        assertEquals("Mail queue is empty\n", mailq.format(List.of()));
    }

    private static JsonNode message(String json) throws IOException {
        return AdminClient.JSON.readTree(json);
    }
}
