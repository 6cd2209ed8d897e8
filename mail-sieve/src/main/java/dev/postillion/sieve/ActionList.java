package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The actions one run has taken so far, collapsed as RFC 5228 s2.10.3 asks: one delivery per
 * folder (keep is INBOX, whose name is case-insensitive, RFC 3501 s5.1), one redirect per address.
 * Filing into a folder again replaces the flags of the earlier filing, as Pigeonhole does.
 */
final class ActionList {

    private static final String INBOX = "INBOX";

    private final Map<String, SieveAction> filings = new LinkedHashMap<>();
    private final Set<String> redirects = new LinkedHashSet<>();
    private final int maxRedirects;

    ActionList(int maxRedirects) {
        this.maxRedirects = maxRedirects;
    }

    void file(String folder, Set<String> flags) {
        boolean inbox = folder.equalsIgnoreCase(INBOX);
        String key = inbox ? INBOX : folder;
        filings.put(key, inbox ? new SieveAction.Keep(flags) : new SieveAction.FileInto(folder, flags));
    }

    void redirect(String address) throws SieveRuntimeError {
        redirects.add(address);
        if (redirects.size() > maxRedirects) {
            throw new SieveRuntimeError("more than " + maxRedirects + " redirects in one run");
        }
    }

    /** The final actions; a run that neither files nor redirects discards (RFC 5228 s4.4). */
    List<SieveAction> actions() {
        List<SieveAction> actions = new ArrayList<>(filings.values());
        for (String address : redirects) {
            actions.add(new SieveAction.Redirect(address));
        }
        if (actions.isEmpty()) {
            actions.add(new SieveAction.Discard());
        }
        return List.copyOf(actions);
    }
}
