package dev.postillion.auth;

import dev.postillion.core.dns.NameService;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * TXT records from DNS, through delivery's {@link NameService}, which asks, caches and classifies;
 * this only turns its answers into {@link Answer}s. Give it the node's one name service, shared
 * with delivery's routing and SPF.
 */
public final class NameServiceTxtLookup implements TxtLookup {

    private final NameService dns;

    public NameServiceTxtLookup(NameService dns) {
        this.dns = dns;
    }

    /** Each record's strings joined, their octets kept as chars (RFC 6376 section 3.6.2.2). */
    @Override
    public CompletionStage<Answer> txt(String name) {
        return dns.query(name, Type.TXT).<Answer>thenApply(answer -> switch (answer.outcome()) {
            case RECORDS -> new Found(answer.records().stream()
                    .map(record -> NameService.text((TXTRecord) record))
                    .toList());
            case NO_DATA -> new NotFound("no TXT record at " + name);
            case NO_SUCH_DOMAIN -> new NotFound(answer.reason().isEmpty()
                    ? name + " does not exist"
                    : answer.reason() + ": " + name);
            case FAILED -> new Failed("DNS lookup of " + name + " failed: " + answer.reason());
        });
    }
}
