package dev.postillion.core.dns;

import java.util.concurrent.CompletionStage;

/**
 * The node's one way to ask DNS, for routing mail out (MX, A, AAAA) and for the checks of mail
 * coming in (SPF's TXT, A, AAAA, MX and PTR questions, DKIM keys and DMARC policies as TXT):
 * asynchronously, so that no thread waits (ARCHITECTURE rules 1 and 2). {@link DnsjavaNameService}
 * asks the configured servers; tests serve zone data from memory.
 */
@FunctionalInterface
public interface NameService {

    /**
     * @param name a domain name, absolute whether or not it ends with a dot; labels in Unicode
     *     are asked as their A-labels ({@link dev.postillion.core.DomainName#queryName})
     * @param type a {@link org.xbill.DNS.Type} constant
     * @return the answer; the stage never fails: failures are {@link DnsAnswer.Outcome#FAILED} answers
     */
    CompletionStage<DnsAnswer> query(String name, int type);
}
