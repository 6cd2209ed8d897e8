package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainNameTest {

    @ParameterizedTest
    @CsvSource({
            "bücher.example, xn--bcher-kva.example",
            "BÜCHER.Example., xn--bcher-kva.example",
            "xn--bcher-kva.example, xn--bcher-kva.example",
            "XN--BCHER-KVA.example, xn--bcher-kva.example",
            // UTS 46 non-transitional: ß stays (IDNA2003 and java.net.IDN map it to ss)
            "faß.de, xn--fa-hia.de",
            "Mail.Example.COM, mail.example.com",
            // full-width full stop is a label separator (UTS 46 mapping)
            "bücher。example, xn--bcher-kva.example",
    })
    void namesAreHeldInLowerCaseALabels(String written, String ascii) {
        assertEquals(ascii, DomainName.of(written).ascii());
    }

    @Test
    void theUnicodeFormIsForPeople() {
        assertEquals("bücher.example", DomainName.of("xn--bcher-kva.example").unicode());
        assertEquals("example.com", DomainName.of("example.com").unicode());
    }

    @Test
    void bothFormsAreOneName() {
        assertEquals(DomainName.of("bücher.example"), DomainName.of("XN--bcher-kva.example"));
        assertEquals(DomainName.of("bücher.example").hashCode(), DomainName.of("xn--bcher-kva.example").hashCode());
        assertTrue(DomainName.of("a.bücher.example").isWithin(DomainName.of("xn--bcher-kva.example")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a..example | empty label in domain",
            "-a.example | domain label starts or ends with a hyphen",
            "a_b.example | character '_' not allowed in domain",
            "xn--zz.example | label starting xn-- is not a valid A-label",
            "[192.0.2.1] | an address literal is not a domain name",
            "a\u00a0b.example | character not allowed in an internationalized domain name (UTS 46)",
    })
    void whatIsNoDomainNameIsRefusedNamingTheRule(String written, String reason) {
        assertEquals(reason, assertThrows(DomainSyntaxException.class, () -> DomainName.of(written)).getMessage());
    }

    @Test
    void aLabelLongerThan63IsRefused() {
        assertEquals("domain label longer than 63 characters",
                assertThrows(DomainSyntaxException.class, () -> DomainName.of("a".repeat(64) + ".example")).getMessage());
        assertEquals("domain label longer than 63 characters",
                assertThrows(DomainSyntaxException.class, () -> DomainName.of("ü".repeat(60) + ".example")).getMessage());
    }

    @Test
    void keysOfWhatIsNoDomainNameAreTheTextLowerCased() {
        assertEquals("[ipv6:2001:db8::1]", DomainName.key("[IPv6:2001:db8::1]"));
        assertEquals("xn--bcher-kva.example", DomainName.key("Bücher.example"));
    }

    @Test
    void queryNamesKeepLabelsThatAreNoHostNames() {
        assertEquals(Optional.of("_dmarc.xn--bcher-kva.example"), DomainName.queryName("_dmarc.bücher.example"));
        assertEquals(Optional.of("sel_1._domainkey.example.com"), DomainName.queryName("sel_1._domainkey.example.com"));
    }
}
