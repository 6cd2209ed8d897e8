package dev.postillion.auth.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC5322.From domain of a message (RFC 7489 section 6.6.1). */
class DmarcAuthorDomainTest {

    @Test
    void aPlainAddress() {
        assertEquals(new AuthorDomain.Single("example.com"), AuthorDomain.ofFields(List.of(" user@Example.COM")));
    }

    @Test
    void displayNamesCommentsAndQuotedStrings() {
        assertEquals(new AuthorDomain.Single("example.com"), AuthorDomain.ofFields(
                List.of(" \"Doe, John (the @ one)\" (work <x@evil.org>) <john@example.com> (office)")));
        assertEquals(new AuthorDomain.Single("example.org"),
                AuthorDomain.ofFields(List.of("\"a@b\"@example.org")));
    }

    @Test
    void severalAddressesInOneField() {
        assertEquals(new AuthorDomain.Several(List.of("example.com", "example.net")),
                AuthorDomain.ofFields(List.of("a@example.com, \"B\" <b@example.net>")));
    }

    @Test
    void severalFromFields() {
        String header = "From: a@example.com\r\nSubject: hi\r\nfrom : b@example.com\r\n\r\nFrom: body@x.org\r\n";
        assertEquals(new AuthorDomain.Several(List.of("example.com", "example.com")),
                AuthorDomain.ofHeaderSection(header));
    }

    @Test
    void aFoldedFieldInAHeaderSection() {
        String header = "Received: from x\r\n\tby y\r\nFrom: \"Someone\"\r\n <someone@mail.example.co.uk>\r\n"
                + "To: b@example.net\r\n\r\nbody";
        assertEquals(new AuthorDomain.Single("mail.example.co.uk"), AuthorDomain.ofHeaderSection(header));
    }

    @Test
    void noFromAddress() {
        assertEquals(new AuthorDomain.Missing(), AuthorDomain.ofHeaderSection("To: a@example.com\r\n\r\n"));
        assertEquals(new AuthorDomain.Missing(), AuthorDomain.ofFields(List.of("  ")));
        assertEquals(new AuthorDomain.Missing(), AuthorDomain.ofFields(List.of("undisclosed-senders:;")));
    }

    @Test
    void groupsAreOpenedUp() {
        assertEquals(new AuthorDomain.Single("example.com"),
                AuthorDomain.ofFields(List.of("Team: ann@example.com;")));
    }

    @Test
    void addressesDmarcCannotUse() {
        assertEquals(new AuthorDomain.Unusable("From address without a domain"),
                AuthorDomain.ofFields(List.of("root")));
        assertEquals(new AuthorDomain.Unusable("From address without a domain"),
                AuthorDomain.ofFields(List.of("Nobody <>")));
        assertEquals(new AuthorDomain.Unusable("From address with a domain literal: [192.0.2.1]"),
                AuthorDomain.ofFields(List.of("a@[192.0.2.1]")));
        assertEquals(new AuthorDomain.Unusable("From domain is not a domain name: exa mple.com"),
                AuthorDomain.ofFields(List.of("a@exa mple.com")));
    }
}
