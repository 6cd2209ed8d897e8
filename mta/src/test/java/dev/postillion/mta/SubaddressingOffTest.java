package dev.postillion.mta;

import static dev.postillion.mta.AliasesAndCatchAllTest.UNKNOWN;
import static dev.postillion.mta.AliasesAndCatchAllTest.rcpt;
import static dev.postillion.mta.SubaddressTest.DOMAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code postillion.directory.subaddress-separator = ""}, a subaddress is an unknown recipient. */
class SubaddressingOffTest extends NodeInRemoteWorld {

    @BeforeAll
    static void start() throws IOException {
        startWorld();
        startNode(Map.of("postillion.directory.subaddress-separator", ""));
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"" + DOMAIN + "\"}").statusCode());
    }

    @Test
    void aSubaddressIsRefusedAsAnUnknownRecipient() throws IOException {
        node.createMailbox("anna@" + DOMAIN);
        assertEquals(SmtpProtocolTest.RECIPIENT_OK, rcpt("anna@" + DOMAIN));
        assertEquals("550 5.1.1 <anna+news@" + DOMAIN + ">: " + UNKNOWN, rcpt("anna+news@" + DOMAIN));
        assertEquals("550 5.1.1 <anna+@" + DOMAIN + ">: " + UNKNOWN, rcpt("anna+@" + DOMAIN));
    }
}
