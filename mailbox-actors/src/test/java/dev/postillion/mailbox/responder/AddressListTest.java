package dev.postillion.mailbox.responder;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.MessageHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressListTest {

    @Test
    void bareAddresses() {
        assertEquals(List.of("anna@example.com", "Bob@Example.org"),
                AddressList.parse("anna@example.com, Bob@Example.org"));
    }

    @Test
    void displayNamesAreDropped() {
        assertEquals(List.of("anna@example.com", "bob@example.org", "carl@example.net"),
                AddressList.parse("Anna Smith <anna@example.com>, =?UTF-8?Q?B=C3=B6b?= <bob@example.org>,"
                        + "<carl@example.net>"));
    }

    @Test
    void quotedDisplayNamesMayHoldCommasAndAddresses() {
        assertEquals(List.of("anna@example.com", "carl@example.net"),
                AddressList.parse("\"Smith, Anna <boss@example.com>\" <anna@example.com>, "
                        + "\"bob@example.org\" <carl@example.net>"));
    }

    @Test
    void quotedStringsUndoQuotedPairs() {
        assertEquals(List.of("carl@example.net"),
                AddressList.parse("\"A \\\"quoted\\\" \\\\ name\" <carl@example.net>"));
    }

    @Test
    void needlessQuotesAroundALocalPartGo() {
        assertEquals(List.of("anna@example.com", "\"anna smith\"@example.com", "\"a\\\"b\"@example.com"),
                AddressList.parse("\"anna\"@example.com, \"anna smith\"@example.com, \"a\\\"b\"@example.com"));
    }

    @Test
    void commentsAreIgnoredEvenNestedOrWithSpecials() {
        assertEquals(List.of("anna@example.com", "bob@example.org"),
                AddressList.parse("anna@example.com (Anna, (at work) <x@y>), (lead) Bob <bob(home)@example.org>"));
    }

    @Test
    void groupsContributeTheirMembers() {
        assertEquals(List.of("anna@example.com", "bob@example.org", "carl@example.net"),
                AddressList.parse("Team: Anna <anna@example.com>, bob@example.org;, carl@example.net"));
        assertEquals(List.of(), AddressList.parse("undisclosed-recipients:;"));
    }

    @Test
    void obsoleteFormsAreRead() {
        // RFC 5322 section 4.4: routes, white space around '@' and '.', empty list elements.
        assertEquals(List.of("anna@example.com", "bob@example.org", "carl@example.net"),
                AddressList.parse("<@relay.example,@hub.example:anna@example.com>,, bob @ example . org ,"
                        + "carl@example.net,"));
    }

    @Test
    void domainLiteralsAreKept() {
        assertEquals(List.of("anna@[192.0.2.1]"), AddressList.parse("Anna <anna@[192.0.2.1]>"));
    }

    @Test
    void whatIsNotAnAddressIsLeftOut() {
        assertEquals(List.of("bob@example.org"), AddressList.parse("Anna, @example.com, anna@, bob@example.org, <>"));
        assertEquals(List.of(), AddressList.parse(""));
    }

    @Test
    void unterminatedConstructsEndAtTheEndOfTheValue() {
        assertEquals(List.of("anna@example.com"), AddressList.parse("Anna <anna@example.com"));
        assertEquals(List.of("anna@example.com"), AddressList.parse("anna@example.com (unclosed, bob@example.org"));
        assertEquals(List.of(), AddressList.parse("\"unclosed <anna@example.com>"));
    }

    @Test
    void foldedFieldsAreReadAfterUnfolding() {
        MessageHeaders headers = MessageHeaders.parse(("To: Anna\r\n <anna@example.com>,\r\n"
                + "\t\"Bob\r\n B.\" <bob@example.org>,\r\n"
                + " (comment\r\n  continued) carl@example.net\r\n\r\n").getBytes(UTF_8));
        assertEquals(List.of("anna@example.com", "bob@example.org", "carl@example.net"),
                AddressList.parse(headers.first("To").orElseThrow()));
    }
}
