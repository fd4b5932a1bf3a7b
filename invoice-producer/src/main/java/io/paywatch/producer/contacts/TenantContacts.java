package io.paywatch.producer.contacts;

import io.paywatch.contract.ClientContacts;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's contacts as a lookup: which client an address belongs to. An exact address wins over a whole
 * domain (a client listing {@code bob@acme.example} takes Bob's mail even when another client has
 * {@code @acme.example}); a domain matches addresses at exactly that domain, not its subdomains. Immutable.
 */
public final class TenantContacts {

    private final Map<String, String> clientByAddress;
    private final Map<String, String> clientByDomain;

    private TenantContacts(Map<String, String> clientByAddress, Map<String, String> clientByDomain) {
        this.clientByAddress = Map.copyOf(clientByAddress);
        this.clientByDomain = Map.copyOf(clientByDomain);
    }

    /** No contacts. */
    public static TenantContacts empty() {
        return new TenantContacts(Map.of(), Map.of());
    }

    /**
     * Builds the lookup from each client's saved contacts.
     *
     * @throws IllegalArgumentException when an address or a domain belongs to two clients (the API refuses that,
     *                                  so only records written around it can do this)
     */
    public static TenantContacts of(Collection<ClientContacts> clients) {
        Map<String, String> byAddress = new HashMap<>();
        Map<String, String> byDomain = new HashMap<>();
        for (ClientContacts c : clients) {
            for (String a : c.getAddresses()) {
                String before = byAddress.putIfAbsent(a, c.getClientId());
                if (before != null && !before.equals(c.getClientId())) {
                    throw new IllegalArgumentException(a + " is a contact of both " + before + " and " + c.getClientId());
                }
            }
            for (String d : c.getDomains()) {
                String before = byDomain.putIfAbsent(d, c.getClientId());
                if (before != null && !before.equals(c.getClientId())) {
                    throw new IllegalArgumentException("@" + d + " is a contact of both " + before + " and "
                            + c.getClientId());
                }
            }
        }
        return new TenantContacts(byAddress, byDomain);
    }

    /** The client of a mail address (any case), or empty when it is no client's. */
    public Optional<String> clientOf(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.strip().toLowerCase(Locale.ROOT);
        String exact = clientByAddress.get(a);
        if (exact != null) {
            return Optional.of(exact);
        }
        int at = a.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String domain;
        try {
            domain = ContactEntry.domain(a.substring(at + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String exactAscii = clientByAddress.get(a.substring(0, at + 1) + domain);
        if (exactAscii != null) {
            return Optional.of(exactAscii);
        }
        return Optional.ofNullable(clientByDomain.get(domain));
    }

    /** How many addresses and domains are known. */
    public int size() {
        return clientByAddress.size() + clientByDomain.size();
    }
}
