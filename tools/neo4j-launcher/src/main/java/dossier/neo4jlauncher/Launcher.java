package dossier.neo4jlauncher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs a throwaway Neo4j Community DBMS (embedded, with its Bolt connector on 127.0.0.1) for
 * Dossier's tests, until the process is sent SIGTERM.
 *
 * <p>Usage: {@code Launcher --home DIR --uri-file FILE [--port N] [--password PW]}. Port 0 (the
 * default) picks a free port. When a password is given, authentication is on and the built-in
 * user {@code neo4j} gets that password; without one, authentication is off. Once Bolt accepts
 * connections the launcher writes the bolt URI to the uri file, which is how
 * scripts/neo4j-test-server knows the server is ready.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static final int BIND_ATTEMPTS = 5;

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        Path home = Path.of(require(opts, "--home")).toAbsolutePath();
        Path uriFile = Path.of(require(opts, "--uri-file")).toAbsolutePath();
        int requestedPort = Integer.parseInt(opts.getOrDefault("--port", "0"));
        String password = opts.get("--password");
        Files.createDirectories(home);

        DatabaseManagementService dbms = null;
        int port = 0;
        // A port picked as free can be taken before Neo4j binds it; try a few before giving up.
        for (int attempt = 1; dbms == null; attempt++) {
            port = requestedPort != 0 ? requestedPort : freePort();
            Path conf = writeConfig(home, port, password != null);
            try {
                dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
            } catch (RuntimeException e) {
                if (requestedPort != 0 || attempt >= BIND_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
                System.err.printf("port %d was taken, retrying: %s%n", port, e);
            }
        }
        DatabaseManagementService started = dbms;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("shutting down Neo4j");
            started.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (password != null) {
            // The embedded API bypasses authentication, so it can set the password Bolt clients
            // must then use, without the "change on first login" step.
            started.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        }
        waitForBolt(port);
        String uri = "bolt://" + HOST + ":" + port;
        Path tmp = uriFile.resolveSibling(uriFile.getFileName() + ".tmp");
        Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, uriFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("Neo4j ready at " + uri);
        stopped.await();
    }

    /** Writes neo4j.conf for this run: Bolt on loopback only, small memory, short log retention. */
    private static Path writeConfig(Path home, int port, boolean auth) throws IOException {
        String address = HOST + ":" + port;
        String conf = String.join("\n",
                "server.bolt.enabled=true",
                "server.bolt.listen_address=" + address,
                "server.bolt.advertised_address=" + address,
                "server.bolt.tls_level=DISABLED",
                "dbms.security.auth_enabled=" + auth,
                "server.memory.pagecache.size=256m",
                "db.tx_log.rotation.retention_policy=1 files",
                "dbms.usage_report.enabled=false",
                // Settings differ across patch releases; an unknown one must not stop a test server.
                "server.config.strict_validation.enabled=false",
                "");
        Path file = home.resolve("neo4j.conf");
        Files.writeString(file, conf, StandardCharsets.UTF_8);
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage()).toLowerCase();
            if (t instanceof java.net.BindException || msg.contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void waitForBolt(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("Bolt did not accept connections on port " + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: Launcher --home DIR --uri-file FILE [--port N] [--password PW]");
            }
            opts.put(args[i], args[i + 1]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }
}
