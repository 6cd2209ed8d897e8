package dev.postillion.core;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Settings every module shares: who this node is and where its data lives. See the
 * {@code postillion} block of mail-core's reference.conf.
 *
 * @param hostname the name this node gives in greetings, Received headers and reports
 */
public record NodeSettings(String hostname, Path dataDir, StoreSettings store) {

    public static NodeSettings from(Config config) {
        Config postillion = config.getConfig("postillion");
        String hostname = postillion.getString("hostname");
        return new NodeSettings(
                hostname.isBlank() ? machineHostname() : hostname,
                Path.of(postillion.getString("data-dir")),
                StoreSettings.from(postillion.getConfig("store")));
    }

    /** As Postfix's myhostname defaults to gethostname(): the machine's fully qualified name. */
    private static String machineHostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
