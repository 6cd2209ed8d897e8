package dev.postillion.mta.policy.dmarc;

import dev.postillion.queue.routing.NameService;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DMARC records from DNS through delivery's {@link NameService}, which asks, caches and classifies;
 * this only turns its answers into {@link Answer}s. Give it the node's one name service.
 */
public final class NameServiceDmarcDns implements DmarcDns {

    private final NameService dns;

    public NameServiceDmarcDns(NameService dns) {
        this.dns = dns;
    }

    @Override
    public CompletionStage<Answer> txt(String name) {
        return dns.query(name, Type.TXT).<Answer>thenApply(answer -> switch (answer.outcome()) {
            case RECORDS -> new Found(answer.records().stream()
                    .map(record -> NameService.text((TXTRecord) record))
                    .toList());
            case NO_DATA -> new NotFound("no TXT record at " + name);
            case NO_SUCH_DOMAIN -> new NotFound(name + " does not exist");
            case FAILED -> new Failed("DNS lookup of " + name + " failed: " + answer.reason());
        });
    }
}
