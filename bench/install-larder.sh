# Sourced by the benchmarks: install_larder DIR DISCOVERY COMMUNICATION RESP HTTP ADMIN copies the distribution
# to DIR with its own ports on 127.0.0.1 (Ignite discovery DISCOVERY..DISCOVERY+9 by a static finder, so it
# joins no other node; communication COMMUNICATION; RESP, REST/HTTP and the admin web console).
install_larder() {
  local dir=$1 discovery=$2 communication=$3 resp=$4 http=$5 admin=$6
  cp -r "$ROOT/distribution/target/larder" "$dir"
  local cfg=$dir/config
  sed -i "s/^discoveryPort=.*/discoveryPort=$discovery/; s/^communicationPort=.*/communicationPort=$communication/; s/^discoveryAddresses=.*/discoveryAddresses=127.0.0.1:$discovery..$((discovery + 9))/" "$cfg/dev.larder.storage.cfg"
  sed -i "s/^port=.*/port=$resp/" "$cfg/dev.larder.resp.cfg"
  sed -i "s/^port=.*/port=$http/" "$cfg/dev.larder.http.cfg"
  sed -i "s/^org.osgi.service.http.port=.*/org.osgi.service.http.port=$admin/; s/^org.apache.felix.http.host=.*/org.apache.felix.http.host=127.0.0.1/" \
    "$cfg/org.apache.felix.http.cfg" "$cfg/framework.properties"
}
