//! The nine variables of the workshop's ERA5 subset, with their CF attributes.

use std::fmt;
use std::str::FromStr;

/// One generated variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variable {
    /// Air temperature (K), 4-D.
    Temperature,
    /// Specific humidity (kg kg-1), 4-D.
    SpecificHumidity,
    /// Eastward wind (m s-1), 4-D.
    UComponentOfWind,
    /// Northward wind (m s-1), 4-D.
    VComponentOfWind,
    /// Convective available potential energy (J kg-1), 3-D.
    Cape,
    /// Convective inhibition (J kg-1, a positive magnitude), 3-D.
    Cin,
    /// K index (K), 3-D.
    KIndex,
    /// Boundary-layer height (m), 3-D.
    BoundaryLayerHeight,
    /// Precipitation rate (mm hr-1), 3-D.
    TotalPrecipitation,
}

/// CF attributes of a variable.
#[derive(Clone, Copy, Debug)]
pub struct VariableInfo {
    /// Name in the store (ERA5's long variable name, as the workshop uses it).
    pub name: &'static str,
    /// ERA5 short name.
    pub short_name: &'static str,
    /// Units, udunits style.
    pub units: &'static str,
    /// Human-readable name.
    pub long_name: &'static str,
    /// CF standard name, where one exists.
    pub standard_name: Option<&'static str>,
    /// Whether the variable has a `level` dimension.
    pub has_level: bool,
}

impl Variable {
    /// All variables, in store order: the four 4-D fields, then the five 3-D fields.
    pub const ALL: [Variable; 9] = [
        Variable::Temperature,
        Variable::SpecificHumidity,
        Variable::UComponentOfWind,
        Variable::VComponentOfWind,
        Variable::Cape,
        Variable::Cin,
        Variable::KIndex,
        Variable::BoundaryLayerHeight,
        Variable::TotalPrecipitation,
    ];

    /// Name, units and the other CF attributes.
    #[must_use]
    pub fn info(self) -> VariableInfo {
        let v = |name, short_name, units, long_name, standard_name, has_level| VariableInfo {
            name,
            short_name,
            units,
            long_name,
            standard_name,
            has_level,
        };
        match self {
            Variable::Temperature => v("temperature", "t", "K", "Temperature", Some("air_temperature"), true),
            Variable::SpecificHumidity => {
                v("specific_humidity", "q", "kg kg-1", "Specific humidity", Some("specific_humidity"), true)
            }
            Variable::UComponentOfWind => {
                v("u_component_of_wind", "u", "m s-1", "U component of wind", Some("eastward_wind"), true)
            }
            Variable::VComponentOfWind => {
                v("v_component_of_wind", "v", "m s-1", "V component of wind", Some("northward_wind"), true)
            }
            Variable::Cape => v(
                "convective_available_potential_energy",
                "cape",
                "J kg-1",
                "Convective available potential energy",
                Some("atmosphere_convective_available_potential_energy"),
                false,
            ),
            Variable::Cin => v(
                "convective_inhibition",
                "cin",
                "J kg-1",
                "Convective inhibition",
                Some("atmosphere_convective_inhibition"),
                false,
            ),
            Variable::KIndex => v("k_index", "kx", "K", "K index", None, false),
            Variable::BoundaryLayerHeight => v(
                "boundary_layer_height",
                "blh",
                "m",
                "Boundary layer height",
                Some("atmosphere_boundary_layer_thickness"),
                false,
            ),
            Variable::TotalPrecipitation => v(
                "total_precipitation",
                "tp",
                "mm hr-1",
                "Total precipitation rate (hourly accumulation)",
                Some("lwe_precipitation_rate"),
                false,
            ),
        }
    }

    /// The store name (`"temperature"`, ...).
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// A small number that keeps each variable's random stream apart.
    pub(crate) fn stream(self) -> u64 {
        self as u64 + 1
    }
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variable {
    type Err = String;

    /// Parses a store name (`temperature`) or an ERA5 short name (`t`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variable::ALL.into_iter().find(|v| v.info().name == s || v.info().short_name == s).ok_or_else(|| {
            let known: Vec<&str> = Variable::ALL.iter().map(|v| v.name()).collect();
            format!("unknown variable {s:?}; known variables: {}", known.join(", "))
        })
    }
}
