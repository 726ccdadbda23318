package dev.larder.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.larder.itests.resp.ServerProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official clients' checks in {@code src/test/node}: a script runs under node with the npm packages it needs,
 * installed by the test into {@code target/node-<script>} (once), and must end by printing
 * {@code <script>: N checks passed, 0 failed}.
 */
public final class NodeScripts {

    private NodeScripts() {
    }

    /** Runs {@code script} (such as {@code upstash-vector.mjs}) with {@code packages} (name@version) and its arguments; returns what it printed. */
    public static String run(String script, List<String> packages, Map<String, String> environment, String... arguments) throws Exception {
        String name = script.replaceFirst("\\.mjs$", "");
        Path node = Paths.get("target", "node-" + name).toAbsolutePath();
        Files.createDirectories(node);
        Files.copy(Paths.get("src", "test", "node", script), node.resolve(script), StandardCopyOption.REPLACE_EXISTING);
        for (String shared : List.of("checks.mjs", "workflow-app.mjs")) {
            Files.copy(Paths.get("src", "test", "node", shared), node.resolve(shared), StandardCopyOption.REPLACE_EXISTING);
        }
        boolean installed = packages.stream().allMatch(spec -> Files.exists(node.resolve("node_modules").resolve(spec.substring(0, spec.lastIndexOf('@')))));
        if (!installed) {
            Files.writeString(node.resolve("package.json"), "{\"name\":\"larder-" + name + "-test\",\"private\":true}\n");
            List<String> install = new ArrayList<>(List.of("npm", "install", "--prefix", node.toString(), "--no-audit", "--no-fund"));
            install.addAll(packages);
            ServerProcesses.run(install, 600);
        }
        List<String> command = new ArrayList<>(List.of("node", node.resolve(script).toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("node did not finish", process.waitFor(300, TimeUnit.SECONDS));
        System.out.println(output.trim());
        assertEquals(output, 0, process.exitValue());
        assertTrue(output, output.matches("(?s).*" + name + ": \\d+ checks passed, 0 failed.*"));
        return output;
    }
}
