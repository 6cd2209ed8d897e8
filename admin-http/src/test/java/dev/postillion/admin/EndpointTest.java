package dev.postillion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How an endpoint's path template matches a request's path, as Pekko's path matchers did. */
class EndpointTest {

    private final Endpoint address = Endpoint.delete("/api/v1/domains/{domain}/addresses/{localPart}",
            "deleteAddress", parameters -> null);

    @Test
    void namesEachParameter() {
        assertEquals(Optional.of(Map.of("domain", "example.test", "localPart", "anna")),
                address.parameters("/api/v1/domains/example.test/addresses/anna"));
    }

    /** RFC 3986 section 2.1: decoded after the split, so an encoded slash stays in its segment; '+' is no space. */
    @Test
    void decodesEachSegment() {
        assertEquals(Optional.of(Map.of("domain", "a/b", "localPart", "x+y z")),
                address.parameters("/api/v1/domains/a%2Fb/addresses/x+y%20z"));
    }

    @Test
    void aTrailingSlashOrAnEmptySegmentDoesNotFit() {
        assertEquals(Optional.empty(), address.parameters("/api/v1/domains/example.test/addresses/anna/"));
        assertEquals(Optional.empty(), address.parameters("/api/v1/domains//addresses/anna"));
        assertEquals(Optional.empty(), address.parameters("/api/v1/domains/example.test/addresses"));
        assertEquals(Optional.empty(), address.parameters("/api/v1/domain/example.test/addresses/anna"));
    }
}
