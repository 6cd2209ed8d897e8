package dev.postillion.queue.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.core.EmailAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypedAddressTest {

    @Test
    void xtextOfAnOrcptIsDecoded() {
        assertEquals(Optional.of(new TypedAddress("rfc822", "bob+tag=x@remote.test")),
                TypedAddress.fromOrcpt("RFC822;bob+2Btag+3Dx@remote.test"));
        assertEquals("rfc822; bob+tag=x@remote.test",
                TypedAddress.fromOrcpt("rfc822;bob+2Btag+3Dx@remote.test").orElseThrow().fieldValue());
    }

    @Test
    void malformedXtextIsKeptAsItIs() {
        assertEquals("a+b+4@x.test", ReportText.decodeXtext("a+b+4@x.test"));
        assertEquals("grüße@x.test", ReportText.decodeXtext("gr+C3+BC+C3+9Fe@x.test"));
    }

    @Test
    void orcptWithoutAnAddressTypeIsIgnored() {
        assertEquals(Optional.empty(), TypedAddress.fromOrcpt("bob@remote.test"));
    }

    @Test
    void utf8AddressesUseEmbeddedUnicodeEscapes() {
        TypedAddress original = TypedAddress.fromOrcpt("utf-8;\\x{7528}\\x{6237}\\x{2B}x@example.test").orElseThrow();
        assertEquals(new TypedAddress("utf-8", "用户+x@example.test"), original);
        assertEquals("utf-8; 用户\\x{2B}x@example.test", original.fieldValue());
    }

    @Test
    void malformedEscapeIsKeptAndItsBackslashEscapedOnOutput() {
        TypedAddress original = TypedAddress.fromOrcpt("utf-8;a\\x{zz}b@example.test").orElseThrow();
        assertEquals("a\\x{zz}b@example.test", original.address());
        assertEquals("utf-8; a\\x{5C}x{zz}b@example.test", original.fieldValue());
    }

    @Test
    void finalRecipientTypeFollowsTheAddress() {
        assertEquals("rfc822; bob@remote.test",
                TypedAddress.of(EmailAddress.parse("bob@remote.test", false)).fieldValue());
        assertEquals("utf-8; 用户@例子.测试", TypedAddress.of(EmailAddress.parse("用户@例子.测试", true)).fieldValue());
    }

    @Test
    void rfc822AddressThatDecodesToUtf8IsNamedAsUtf8() {
        assertEquals(new TypedAddress("utf-8", "grüße@x.test"),
                TypedAddress.fromOrcpt("rfc822;gr+C3+BC+C3+9Fe@x.test").orElseThrow());
    }
}
