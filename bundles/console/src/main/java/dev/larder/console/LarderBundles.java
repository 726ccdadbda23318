package dev.larder.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Bundles grouped by the product they belong to, from the {@value #PRODUCT_HEADER} manifest header. */
final class LarderBundles {

    /** Manifest header each Larder bundle carries: storage, redis, vector, qstash, billing, console, platform. */
    static final String PRODUCT_HEADER = "Larder-Product";
    /** Group for bundles without the header: the OSGi runtime and third-party libraries. */
    static final String RUNTIME = "runtime";

    private LarderBundles() {
    }

    static Map<String, List<Bundle>> byProduct(BundleContext context) {
        Map<String, List<Bundle>> products = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            products.computeIfAbsent(productOf(bundle), p -> new ArrayList<>()).add(bundle);
        }
        return products;
    }

    static String productOf(Bundle bundle) {
        String product = bundle.getHeaders("").get(PRODUCT_HEADER);
        return product == null ? RUNTIME : product;
    }

    static boolean isLarder(Bundle bundle) {
        return !RUNTIME.equals(productOf(bundle));
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
