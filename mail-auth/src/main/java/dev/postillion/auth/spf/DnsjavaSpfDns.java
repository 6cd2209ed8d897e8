package dev.postillion.auth.spf;

import dev.postillion.core.dns.NameService;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@link SpfDns} over delivery's {@link NameService}, which asks, caches and classifies; this only
 * turns its answers into SPF's {@link DnsAnswer}, keeping NXDOMAIN apart from NODATA. The settings
 * are the {@code postillion.dns} settings that delivery uses.
 */
public final class DnsjavaSpfDns implements SpfDns {

    private final NameService dns;

    /** @param dns the node's one name service, shared with delivery's routing and the other checks */
    public DnsjavaSpfDns(NameService dns) {
        this.dns = dns;
    }

    /** Each TXT record's strings joined (RFC 7208 section 3.3), one char per octet. */
    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return query(name, Type.TXT, record -> NameService.text((TXTRecord) record));
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> a(String name) {
        return query(name, Type.A, record -> ((ARecord) record).getAddress());
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> aaaa(String name) {
        return query(name, Type.AAAA, record -> ((AAAARecord) record).getAddress());
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return query(name, Type.MX, record -> text(((MXRecord) record).getTarget()));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(String name) {
        return query(name, Type.PTR, record -> text(((PTRRecord) record).getTarget()));
    }

    private <T> CompletionStage<DnsAnswer<T>> query(String name, int type, Function<Record, T> data) {
        return dns.query(name, type).<DnsAnswer<T>>thenApply(answer -> switch (answer.outcome()) {
            case RECORDS -> DnsAnswer.of(answer.records().stream().map(data).toList());
            case NO_SUCH_DOMAIN -> DnsAnswer.noSuchDomain();
            case NO_DATA -> DnsAnswer.noData();
            case FAILED -> DnsAnswer.failure(answer.reason());
        });
    }

    /** A host name without the final dot; the root (a null MX's target) as the empty string. */
    private static String text(Name name) {
        return name.equals(Name.root) ? "" : name.toString(true);
    }
}
