package dev.postillion.mta.policy.greylist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.core.EmailAddress;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TripletTest {

    @Test
    void networksAreSlash24AndSlash64() throws Exception {
        assertEquals("192.0.2.0/24", Triplet.network(InetAddress.getByName("192.0.2.77")));
        assertEquals("192.0.2.0/24", Triplet.network(InetAddress.getByName("::ffff:192.0.2.77")));
        assertEquals("2001:db8:1:2:0:0:0:0/64", Triplet.network(InetAddress.getByName("2001:db8:1:2:aa:bb:cc:dd")));
    }

    @Test
    void sendersAreNormalisedSoThatPerMessageSendersMatch() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.1");
        EmailAddress anna = EmailAddress.parse("Anna@Example.COM", false);
        Triplet first = Triplet.of(client,
                Optional.of(EmailAddress.parse("Bounces-1234+x99@List.Example", false)), anna);
        Triplet retry = Triplet.of(client, Optional.of(EmailAddress.parse("bounces-5@list.example", false)), anna);
        assertEquals(first, retry);
        assertEquals("192.0.2.0/24|bounces-#@list.example|anna@example.com", first.key());
        assertEquals("<>", Triplet.of(client, Optional.empty(), anna).sender());
    }

    @Test
    void keysRoundTripAndBadKeysAreRefused() {
        Triplet triplet = new Triplet("192.0.2.0/24", "<>", "anna@example.com");
        assertEquals(triplet, Triplet.fromKey(triplet.key()));
        assertThrows(IllegalArgumentException.class, () -> Triplet.fromKey("192.0.2.0/24|anna@example.com"));
        assertThrows(IllegalArgumentException.class, () -> Triplet.fromKey("||"));
    }

    @Test
    void aPipeOrPercentInALocalPartKeepsTheKeyThreeParts() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.1");
        Triplet triplet = Triplet.of(client, Optional.of(EmailAddress.parse("a|b%c@example.org", false)),
                EmailAddress.parse("x|%7C@example.com", false));
        assertEquals("a|b%c@example.org", triplet.sender());
        assertEquals("192.0.2.0/24|a%7Cb%25c@example.org|x%7C%257c@example.com", triplet.key());
        assertEquals(triplet, Triplet.fromKey(triplet.key()));
        assertEquals(new Triplet("192.0.2.0/24", "|", "%"), Triplet.fromKey("192.0.2.0/24|%7c|%25"));
        assertEquals("50%off@example.org", Triplet.fromKey("192.0.2.0/24|50%off@example.org|a@b").sender(),
                "a % of an unescaped key is itself");
    }
}
