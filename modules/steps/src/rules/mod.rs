//! The policy's rules for turning walking into points, each in its own file.

pub mod daily_cap;
pub mod device_class;
pub mod kilometre_points;
pub mod overlap;
pub mod qualified_movement;

pub use daily_cap::DailyCap;
pub use device_class::DeviceClass;
pub use kilometre_points::KilometrePoints;
pub use overlap::{OverlapPolicy, Report};
pub use qualified_movement::{QualifiedMovement, RejectionReason, SampleInput};
