package dev.postillion.mta.policy;

import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import java.util.List;

/** The column families of the mta's policies in the node's store. */
public final class PolicyFamilies {

    /**
     * Greylisting: (client network, sender, recipient) triplets, per-network pass counts for the
     * auto-whitelist, and the operator's allow entries.
     */
    public static final StoreFamily GREYLIST = new StoreFamily("greylist", false, Placement.SHARED);
    /**
     * DKIM signing: each hosted domain's keys, keyed by domain name, their private halves sealed
     * with the node's master key.
     */
    public static final StoreFamily DKIM_KEYS = new StoreFamily("dkim-keys", false, Placement.SHARED);

    /**
     * SMTP AUTH lockouts: per client network (an IPv4 address or an IPv6 /64), the end of its
     * lockout, so that every node refuses it.
     */
    public static final StoreFamily AUTH_LOCKOUTS = new StoreFamily("auth-lockouts", false, Placement.SHARED);

    /**
     * Sending limits: per authenticated sender, the operator's override and the current hour's and
     * day's counts ({@code a/} + address), copied per day for the near-limit listing ({@code d/} +
     * day + address).
     */
    public static final StoreFamily SENDERS = new StoreFamily("sending-limits", false, Placement.SHARED);

    public static final List<StoreFamily> ALL = List.of(GREYLIST, DKIM_KEYS, AUTH_LOCKOUTS, SENDERS);

    private PolicyFamilies() {}
}
