# Sourced by the comparison scripts: writes $data/aftermath.toml for the generated 50-team year.
# The 50 generated teams with their zones and services: the six named ones, then team-07 .. team-50
# cycling through the same zones and service names (src/generate/world.rs). Without this the 44
# unnamed teams would be judged in UTC.
write_config() {
    local zones=(Europe/Berlin America/New_York Asia/Kolkata America/Los_Angeles Europe/London Australia/Sydney)
    local names=(payments search identity storefront data-platform mobile)
    local services=('"payments-api", "billing", "ledger"' '"search-api", "indexer"' '"auth", "sso"'
        '"web", "cdn-edge"' '"kafka", "warehouse"' '"mobile-api", "push"')
    {
        echo "store = \"store\""
        echo "timezone = \"UTC\""
        echo
        echo "[severity]"
        echo "\"moderate\" = \"SEV3\""
        echo "\"informational\" = \"SEV5\""
        for i in $(seq 0 49); do
            local k=$((i % 6)) name svc
            if [ "$i" -lt 6 ]; then
                name=${names[$k]}
                svc=${services[$k]}
            else
                name=$(printf 'team-%02d' $((i + 1)))
                svc=$(echo "${services[$k]}" | sed "s/\"\([^\"]*\)\"/\"$name-\1\"/g")
            fi
            echo
            echo "[teams.$name]"
            echo "timezone = \"${zones[$k]}\""
            echo "services = [$svc]"
        done
    } >"$data/aftermath.toml"
}

