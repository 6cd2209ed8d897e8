package dev.postillion.mta.login;

/**
 * What a client offered to authenticate with: who it is ({@code username}, an address here), whom
 * it wants to act as ({@code authorizationId}, empty for itself) and its password. The password
 * never appears in {@link #toString()}, so that no log line can carry it.
 */
public record SaslCredentials(String authorizationId, String username, String password) {

    @Override
    public String toString() {
        return "SaslCredentials[username=" + username + ", authorizationId=" + authorizationId + "]";
    }
}
