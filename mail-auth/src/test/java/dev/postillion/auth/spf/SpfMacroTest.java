package dev.postillion.auth.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpfMacroTest {

    /** The example of RFC 7208 section 7.4. */
    private static MacroString.Values values(String client) throws Exception {
        return new MacroString.Values("strong-bad@email.example.com", "strong-bad", "email.example.com",
                "email.example.com", InetAddress.getByName(client), "mx.example.org", "mx.example.org",
                "mx.example.net", 1_700_000_000L);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "%{s}|strong-bad@email.example.com",
            "%{o}|email.example.com",
            "%{d}|email.example.com",
            "%{d4}|email.example.com",
            "%{d3}|email.example.com",
            "%{d2}|example.com",
            "%{d1}|com",
            "%{dr}|com.example.email",
            "%{d2r}|example.email",
            "%{l}|strong-bad",
            "%{l-}|strong.bad",
            "%{lr}|strong-bad",
            "%{lr-}|bad.strong",
            "%{l1r-}|strong",
            "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
            "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
            "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
    })
    void expandsTheExamplesOfRfc7208Section74(String macro, String expansion) throws Exception {
        assertEquals(expansion, MacroString.parse(macro, MacroString.Syntax.DOMAIN_SPEC).expand(values("192.0.2.3")));
    }

    @Test
    void expandsAnIpv6ClientInNibbles() throws Exception {
        assertEquals("1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com",
                MacroString.parse("%{ir}.%{v}._spf.%{d2}", MacroString.Syntax.DOMAIN_SPEC)
                        .expand(values("2001:db8::cb01")));
    }

    @Test
    void expandsExplanationOnlyMacrosAndEscapes() throws Exception {
        MacroString text = MacroString.parse("%{c} at %{t} for %{r}: 100%% %_ %-", MacroString.Syntax.EXPLANATION);
        assertEquals("2001:db8::cb01 at 1700000000 for mx.example.net: 100%   %20",
                text.expand(values("2001:db8::cb01")));
    }

    @Test
    void urlEncodesUpperCaseMacros() throws Exception {
        MacroString.Values values = new MacroString.Values("a b&c@example.com", "a b&c", "example.com", "example.com",
                InetAddress.getByName("192.0.2.3"), "unknown", "helo", "unknown", 0);
        assertEquals("a%20b%26c%40example.com",
                MacroString.parse("%{S}", MacroString.Syntax.DOMAIN_SPEC).expand(values));
        assertEquals("a%20b%26c", MacroString.parse("%{L}", MacroString.Syntax.DOMAIN_SPEC).expand(values));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%x", "%{", "%{s", "%{}", "%{a}", "%{c}", "%{r}", "%{t}", "%{s0}", "%{s!}", "a b"})
    void refusesBadDomainSpecSyntax(String text) {
        assertThrows(SpfSyntaxException.class, () -> MacroString.parse(text, MacroString.Syntax.DOMAIN_SPEC));
    }

    @ParameterizedTest
    @CsvSource({"example.com,true", "example.com.,true", "%{d},true", "foo.%{d2},true", "museum,false",
            "museum.,false", "example.123,false", "example.-com,false", "foo.xn--zckzah,true", "a.b:8080,false"})
    void knowsADomainEnd(String text, boolean valid) {
        assertEquals(valid, MacroString.parse(text, MacroString.Syntax.DOMAIN_SPEC).hasDomainEnd());
    }

    @Test
    void knowsWhenTheValidatedNameIsNeeded() {
        assertTrue(MacroString.parse("%{p}.example.com", MacroString.Syntax.DOMAIN_SPEC).usesValidatedName());
        assertFalse(MacroString.parse("%{d}.example.com", MacroString.Syntax.DOMAIN_SPEC).usesValidatedName());
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.1,192.0.2.1", "2001:db8::1,2001:db8::1", "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1",
            "2001:0:0:1:0:0:0:1,2001:0:0:1::1", "::,::", "1::,1::", "2001:db8:1:1:1:1:1:1,2001:db8:1:1:1:1:1:1",
            "::ffff:192.0.2.1,192.0.2.1"})
    void writesAddressesAsRfc5952Does(String address, String readable) throws Exception {
        assertEquals(readable, IpNetwork.readable(IpNetwork.normalized(InetAddress.getByName(address))));
    }
}
